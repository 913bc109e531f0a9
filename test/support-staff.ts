import { Secret, TOTP } from 'otpauth';
import { send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv } from './support';

/** A member of staff logged in through the back office, ready to work. */
export interface StaffLogin {
  email: string;
  /** The password after the one-time password was replaced. */
  password: string;
  /** `or_staff=<id>`, to send as the `cookie` header: logged in completely (password and TOTP). */
  cookie: string;
  /** The TOTP secret (base32) the account enrolled. */
  secret: string;
  /** The recovery codes handed out at enrolment, each good once. */
  recoveryCodes: string[];
}

export const STAFF_PASSWORD = 'ein sicheres Passwort';

/** The code of an authenticator app for `secret` at `at` (RFC 6238: SHA-1, six digits, 30 s). */
export function totpCode(secret: string, at: Date = new Date()): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({
    timestamp: at.getTime(),
  });
}

/** The `or_staff=…` pair of an answer's Set-Cookie, or ''. */
export const staffCookieOf = (headers: Record<string, string | string[] | undefined>): string =>
  /or_staff=[^;]+/.exec(String(headers['set-cookie'] ?? ''))?.[0] ?? '';

/**
 * Creates a member of staff with the command line (as an operator does for the first account) and
 * takes the account through its first login on the tenant's host, as the person would: the
 * one-time password replaced, an authenticator enrolled with its first code.
 */
export async function staffSession(
  portal: TestPortal,
  tenant: string,
  email: string,
  role: 'caseworker' | 'tenant-admin' | 'operator',
  offices: string[] = [],
): Promise<StaffLogin> {
  const args = ['staff', 'add', '--tenant', tenant, '--email', email, '--role', role];
  for (const office of offices) args.push('--office', office);
  const added = await cli(args, cliEnv(portal));
  if (added.code !== 0) throw new Error(`staff add failed: ${added.err}`);
  const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
  return firstLogin(portal, tenant, email, oneTime);
}

/** The first login of an account with its one-time password: new password, TOTP enrolment. */
export async function firstLogin(
  portal: TestPortal,
  tenant: string,
  email: string,
  oneTime: string,
): Promise<StaffLogin> {
  const host = `${tenant}.localhost`;
  const login = await send(portal.port, 'POST', '/api/v1/backoffice/login', host, { email, password: oneTime });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
  const cookie = staffCookieOf(login.headers);
  const changed = await send(
    portal.port,
    'POST',
    '/api/v1/backoffice/password',
    host,
    { password: oneTime, newPassword: STAFF_PASSWORD },
    { cookie },
  );
  if (changed.status !== 204) throw new Error(`password change failed: ${changed.status} ${changed.body}`);
  return enrol(portal, tenant, email, cookie);
}

/** Enrols an authenticator for a session that waits for it; returns the logged-in session. */
export async function enrol(portal: TestPortal, tenant: string, email: string, cookie: string): Promise<StaffLogin> {
  const host = `${tenant}.localhost`;
  const started = await send(portal.port, 'POST', '/api/v1/backoffice/totp', host, {}, { cookie });
  if (started.status !== 200) throw new Error(`enrolment failed: ${started.status} ${started.body}`);
  const uri = new URL((JSON.parse(started.body) as { otpauthUri: string }).otpauthUri);
  const secret = uri.searchParams.get('secret') ?? '';
  const confirmed = await send(
    portal.port,
    'POST',
    '/api/v1/backoffice/totp/confirm',
    host,
    { code: totpCode(secret) },
    { cookie },
  );
  if (confirmed.status !== 200) throw new Error(`enrolment failed: ${confirmed.status} ${confirmed.body}`);
  const { recoveryCodes } = JSON.parse(confirmed.body) as { recoveryCodes: string[] };
  return { email, password: STAFF_PASSWORD, cookie: staffCookieOf(confirmed.headers), secret, recoveryCodes };
}
