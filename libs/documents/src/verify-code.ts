import { createHash, randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so that what is read aloud or typed is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_SYMBOLS = 14; // 70 bits: not to be guessed, even by someone trying codes for years
const CHECK_SYMBOLS = 2; // 10 bits: 1,023 of 1,024 typing errors are caught before any lookup
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_INPUT = 120;

/** A verification code taken apart: the tenant that issued it and the code in its one written form. */
export interface ParsedVerifyCode {
  slug: string;
  code: string;
}

const check = (slug: string, serial: string): string => {
  const digest = createHash('sha256').update(`${slug}.${serial}`).digest();
  const bits = (digest[0] << 2) | (digest[1] >> 6);
  return ALPHABET[bits >> 5] + ALPHABET[bits & 31];
};

const group = (symbols: string): string => symbols.match(/.{1,4}/g)?.join('-') ?? symbols;

/**
 * A new verification code for a document of the tenant: `<slug>.XXXX-XXXX-XXXX-XXXX`, 14 random
 * base32 symbols and 2 check symbols over slug and serial. The code is a reference, not the proof:
 * the proof is the signature kept with the document, checked on every lookup (docs/documents.md).
 */
export function newVerifyCode(slug: string): string {
  let serial = '';
  for (let i = 0; i < RANDOM_SYMBOLS; i++) serial += ALPHABET[randomInt(ALPHABET.length)];
  return `${slug}.${group(serial + check(slug, serial))}`;
}

/**
 * Reads a code as printed, typed or taken from a URL: case, spaces and dashes do not matter and
 * O/I/L are read as 0/1. Undefined for anything that is not a well-formed code of some tenant,
 * including a code with a typing error (its check symbols do not match).
 */
export function parseVerifyCode(input: unknown): ParsedVerifyCode | undefined {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return undefined;
  const text = input.trim();
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const slug = text.slice(0, dot).toLowerCase();
  if (!SLUG.test(slug)) return undefined;
  const symbols = text
    .slice(dot + 1)
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== RANDOM_SYMBOLS + CHECK_SYMBOLS || [...symbols].some((c) => !ALPHABET.includes(c))) {
    return undefined;
  }
  const serial = symbols.slice(0, RANDOM_SYMBOLS);
  if (check(slug, serial) !== symbols.slice(RANDOM_SYMBOLS)) return undefined;
  return { slug, code: `${slug}.${group(symbols)}` };
}
