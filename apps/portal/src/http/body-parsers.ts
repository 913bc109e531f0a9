import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'fast-querystring';
import { CoreError, CoreErrorCode } from '@openrathaus/core';

/** How deep a JSON body may nest: a form's answers need a handful of levels (groups, repeats, addresses). */
export const MAX_JSON_DEPTH = 32;
/** The largest JSON or form body; uploads are multipart and have limits of their own. */
export const MAX_BODY_BYTES = 1024 * 1024;

// Control characters other than tab, line feed and carriage return: NUL breaks PostgreSQL's text
// and jsonb, the others have no place in what a person types.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

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

/** The value with control characters removed from every string and key, at every depth. */
export function withoutControls(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(CONTROL, '');
  // Bounded by the parser's depth check; the bound stays for values that come from elsewhere.
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => withoutControls(v, depth + 1));
  const clean: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // An own `__proto__` key (a form may send one) would set the prototype when assigned.
    if (key !== '__proto__') clean[key.replace(CONTROL, '')] = withoutControls(v, depth + 1);
  }
  return clean;
}

/** Parses a JSON body: depth first, then the text, then the control characters out. */
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
  return withoutControls(parsed);
}

/**
 * The portal's own parsers for JSON and url-encoded forms (Nest's are switched off): the same
 * size limit, a depth limit with a clear 400, and no control characters at any depth.
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
      done(null, withoutControls({ ...parseQuery(body.toString()) }));
    },
  );
}
