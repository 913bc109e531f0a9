/**
 * Time-based one-time passwords as staff authenticator apps compute them (RFC 6238 over RFC 4226:
 * HMAC-SHA-1, 6 digits, 30 s steps), so that a benchmark can log in where TOTP is required. Only
 * what the portal hands out is supported: a base32 `secret` in an `otpauth://totp/…` URI.
 */
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The bytes of an RFC 4648 base32 text (case, spaces and padding ignored). */
export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  const out = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The secret, digits and period of an `otpauth://totp/…` URI (RFC 6238 defaults where it names none). */
export function parseOtpauth(uri) {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error(`not a TOTP URI: ${uri}`);
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase();
  if (algorithm !== 'SHA1') throw new Error(`unsupported TOTP algorithm ${algorithm}`);
  const secret = url.searchParams.get('secret');
  if (!secret) throw new Error('the otpauth URI has no secret');
  return {
    key: base32Decode(secret),
    digits: Number(url.searchParams.get('digits') ?? 6),
    period: Number(url.searchParams.get('period') ?? 30),
  };
}

/** The code of time step `step` (RFC 4226 HOTP with the step as counter). */
export function totp(key, step, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step of `ms` (milliseconds since the epoch). */
export const timeStep = (ms, period = 30) => Math.floor(ms / 1000 / period);

// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" gives 94287082 (8 digits) at T = 59 s.
if (totp(Buffer.from('12345678901234567890'), timeStep(59_000), 8) !== '94287082') {
  throw new Error('TOTP does not match the RFC 6238 test vector');
}
