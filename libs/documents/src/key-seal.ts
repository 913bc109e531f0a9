import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
// HKDF separates this key from every other use of the platform secret (e-mail tokens sign with it):
// a different `info` gives an unrelated key, so a leak of one does not open the other.
const SALT = 'openrathaus/documents';
const INFO = 'signing-key-seal/v1';

const sealKey = (secret: string): Buffer => Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));

/**
 * Seals a private key for storage: AES-256-GCM under a key derived from the platform secret, a
 * fresh 96-bit IV each time, and `context` (tenant and key id) as associated data so that a sealed
 * key copied into another tenant's row does not open.
 */
export function sealPrivateKey(secret: string, context: string, plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  cipher.setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), sealed]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Opens a sealed private key; throws when the secret, the context or the bytes differ. */
export function openPrivateKey(secret: string, context: string, sealed: string): Buffer {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('unknown sealed key format');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
}
