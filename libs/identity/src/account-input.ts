import type { FieldFault } from '@openrathaus/core';
import { IdentityError, IdentityErrorCode } from './identity.error';

/** Checks of what people type into account forms, shared by staff and citizen accounts. */

const EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;
// Control characters (NUL first of all: PostgreSQL refuses it in text) and the line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The shortest password a new account may have. */
export const MIN_PASSWORD = 12;
/** The longest password we hash: argon2 takes any length, a request should not make it work for minutes. */
export const MAX_PASSWORD = 1024;
const MAX_NAME = 200;

const fault = (field: string, key: string, params?: Record<string, unknown>): IdentityError =>
  new IdentityError(IdentityErrorCode.InvalidInput, {}, [{ field, key, ...(params ? { params } : {}) }]);

/** A string or nothing; an array or object (`a=1&a=2`, JSON of the wrong type) is a fault of its own. */
function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fault(field, 'single');
  return value;
}

/** A required e-mail address, trimmed and lower-cased. */
export function checkEmail(value: unknown, field = 'email'): string {
  const email = text(value, field)?.trim();
  if (!email) throw fault(field, 'required');
  if (email.length > 254) throw fault(field, 'too_long');
  const address = email.toLowerCase();
  if (!EMAIL.test(address)) throw fault(field, 'email');
  return address;
}

/** A password as typed (never trimmed), at most {@link MAX_PASSWORD} characters. */
export function checkPassword(value: unknown, field = 'password'): string {
  const password = text(value, field);
  if (!password) throw fault(field, 'required');
  if (password.length > MAX_PASSWORD) throw fault(field, 'too_long');
  return password;
}

/** A password for a new account or a reset: also at least {@link MIN_PASSWORD} characters. */
export function checkNewPassword(value: unknown, field = 'password'): string {
  const password = checkPassword(value, field);
  if (password.length < MIN_PASSWORD) throw fault(field, 'identity.password_short', { min: MIN_PASSWORD });
  return password;
}

/** A person's name: one line of text, trimmed. */
export function checkName(value: unknown, field = 'name'): string {
  const name = text(value, field)?.trim();
  if (!name) throw fault(field, 'required');
  if (name.length > MAX_NAME) throw fault(field, 'too_long');
  if (CONTROL.test(name)) throw fault(field, 'invalid');
  return name;
}

/** A token from an e-mail link: 32 random bytes, base64url. */
export function checkToken(value: unknown, field = 'token'): string {
  const token = text(value, field)?.trim();
  if (!token) throw fault(field, 'required');
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw fault(field, 'identity.token_invalid');
  return token;
}

/** Runs every check and reports the faults of all fields at once. */
export function checkAll<T extends unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const values: unknown[] = [];
  const fields: FieldFault[] = [];
  for (const check of checks) {
    try {
      values.push(check());
    } catch (error) {
      if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.InvalidInput) throw error;
      fields.push(...error.fields);
    }
  }
  if (fields.length) throw new IdentityError(IdentityErrorCode.InvalidInput, {}, fields);
  return values as T;
}

/** An e-mail address and a password as a login takes them, the faults of both at once. */
export function checkCredentials(email: unknown, password: unknown): [string, string] {
  return checkAll<[string, string]>(
    () => checkEmail(email),
    () => checkPassword(password),
  );
}

/** The fields of a request body, whatever arrived (nothing, an array, a string). */
export const bodyFields = (body: unknown): Record<string, unknown> =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
