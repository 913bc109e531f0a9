import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app computes it: SHA-1, six digits, 30-second steps. */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now, for clocks that are a little off. */
export const TOTP_WINDOW = 1;
/** Recovery codes handed out at enrolment, each good once. */
export const RECOVERY_CODES = 10;

const totp = (secret: string, issuer = '', label = '') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secret),
  });

/** A new random secret (160 bits, as RFC 4226 recommends), base32 as authenticator apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The `otpauth://totp/...` URI an authenticator app reads from the QR code. */
export const totpUri = (secret: string, issuer: string, account: string): string =>
  totp(secret, issuer, account).toString();

/** The code of `secret` at `at` (for tests and scripts: anyone can compute it, that is the point). */
export const totpCodeAt = (secret: string, at: Date = new Date()): string =>
  totp(secret).generate({ timestamp: at.getTime() });

/** The time step of a right code within the window around `at`, or undefined. */
export function totpStep(secret: string, code: string, at: Date = new Date()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: at.getTime(), window: TOTP_WINDOW });
  if (delta === null) return undefined;
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD) + delta;
}

/** The secret in groups of four, for typing it into an app by hand. */
export const groupedTotpSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

// Crockford's base32 letters without I, L, O, U: nothing to mistake when read from paper.
const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Fresh recovery codes, `XXXX-XXXX-XXXX` (60 random bits each). */
export function newRecoveryCodes(count = RECOVERY_CODES): string[] {
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 }, () =>
      Array.from({ length: 4 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join(''),
    ).join('-'),
  );
}

/** A recovery code as typed (any case, with or without dashes and spaces), or undefined when it cannot be one. */
export function normalRecoveryCode(input: string): string | undefined {
  const plain = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(plain) ? plain : undefined;
}

/**
 * The stored form of a recovery code. SHA-256 without salt is enough here: 60 random bits cannot
 * be guessed from a hash the way a chosen password can, and each code works once.
 */
export const recoveryHash = (code: string): string =>
  createHash('sha256')
    .update(`staff-recovery:${normalRecoveryCode(code) ?? code}`)
    .digest('base64url');

const SEAL_VERSION = 'v1';
// HKDF gives the seal a key of its own, unrelated to every other use of the platform secret.
const sealKey = (appSecret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', appSecret, 'openrathaus/identity', 'totp-secret-seal/v1', 32));

/**
 * Seals a TOTP secret for the database: AES-256-GCM under a key derived from the platform secret,
 * the account id as associated data so that a sealed secret copied to another row does not open.
 */
export function sealTotpSecret(appSecret: string, accountId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(appSecret), iv);
  cipher.setAAD(Buffer.from(accountId));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, ...[iv, cipher.getAuthTag(), sealed].map((p) => p.toString('base64url'))].join('.');
}

/** Opens a sealed TOTP secret; throws when the platform secret, the account or the bytes differ. */
export function openTotpSecret(appSecret: string, accountId: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== SEAL_VERSION || !iv || !tag || data === undefined) throw new Error('unknown sealed secret format');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(accountId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
