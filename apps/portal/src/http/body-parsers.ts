import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'fast-querystring';
import { CoreError, CoreErrorCode } from '@openrathaus/core';

/**
 * How deep a JSON body may nest: a form's answers need a handful of levels, a process definition
 * posted by a tenant admin up to 40 (its own limit) inside its envelope.
 */
export const MAX_JSON_DEPTH = 64;
/** The largest JSON or form body; uploads are multipart and have limits of their own. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooDeep = () => new CoreError(CoreErrorCode.TooDeep, { max: MAX_JSON_DEPTH });
const notJson = () => new CoreError(CoreErrorCode.InvalidJson);

/**
 * The nesting depth of a JSON text, read without parsing it (brackets inside strings do not
 * count), stopping as soon as it passes `max`: a body of 100,000 opening brackets costs one pass
 * and no stack.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Form fields without `__proto__`, which would set the prototype of the object they are copied into. */
function formFields(parsed: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) if (key !== '__proto__') fields[key] = value;
  return fields;
}

/**
 * Parses a JSON body: the depth first, then the text. Control characters stay for the validators,
 * which name the field that holds them; none reaches PostgreSQL as a 500 (see ErrorResponder).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw tooDeep();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, v: unknown) => {
      // Prototype pollution through `__proto__` keys: refused as Fastify's own parser does.
      if (key === '__proto__' || (key === 'constructor' && v !== null && typeof v === 'object' && 'prototype' in v)) {
        throw notJson();
      }
      return v;
    });
  } catch {
    throw notJson();
  }
  return parsed;
}

/**
 * The portal's own parsers for JSON and url-encoded forms (Nest's are switched off): the same
 * size limit, a depth limit with a clear 400, and no prototype keys.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const options = { parseAs: 'string' as const, bodyLimit: MAX_BODY_BYTES };
  fastify.addContentTypeParser(
    'application/json',
    options,
    (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
      try {
        done(null, parseJsonBody(body.toString()));
      } catch (error) {
        done(error as Error);
      }
    },
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    options,
    (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
      done(null, formFields(parseQuery(body.toString())));
    },
  );
}
