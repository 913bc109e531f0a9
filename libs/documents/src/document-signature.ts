import { KeyObject, createPublicKey, sign, verify } from 'node:crypto';

/** What a document's signature covers: everything the verification page shows, and the PDF's hash. */
export interface SignedFields {
  tenantId: string;
  documentId: string;
  applicationId: string;
  template: string;
  verifyCode: string;
  keyId: string;
  title: string;
  holder: string;
  number: string;
  content: string;
  /** ISO 8601 with milliseconds, UTC. */
  issuedAt: string;
  /** `YYYY-MM-DD`, or null for no expiry. */
  validUntil: string | null;
  /** Of the PDF's bytes, hex. */
  sha256: string;
}

/**
 * The bytes that are signed: the fields as JSON with sorted keys and no spaces, prefixed by a
 * version. Anyone holding the public key can rebuild and check them (the JSON answer of
 * `/verify/:code` shows them).
 */
export function canonicalPayload(fields: SignedFields): string {
  const entries = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ v: 1, ...Object.fromEntries(entries) });
}

/**
 * What the second signature of a document covers once retention removed its application's data:
 * what stays of the record, bound to the first signature, and when the data went.
 */
export interface ForgottenFields {
  tenantId: string;
  documentId: string;
  template: string;
  verifyCode: string;
  title: string;
  number: string;
  /** ISO 8601 with milliseconds, UTC. */
  issuedAt: string;
  validUntil: string | null;
  sha256: string;
  /** The key and signature of the document as issued. */
  keyId: string;
  signature: string;
  /** ISO 8601 with milliseconds, UTC. */
  forgottenAt: string;
}

/** The bytes of the second signature: as {@link canonicalPayload}, marked as the record of a forgotten document. */
export function forgottenPayload(fields: ForgottenFields): string {
  const entries = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ v: 1, forgotten: true, ...Object.fromEntries(entries) });
}

/** Ed25519 signature, base64url. */
export const signPayload = (privateKey: KeyObject, payload: string): string =>
  sign(null, Buffer.from(payload), privateKey).toString('base64url');

/** Whether the signature is the key's over the payload; false (never a throw) for anything malformed. */
export function verifyPayload(publicKeySpki: string, payload: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeySpki, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(payload), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
