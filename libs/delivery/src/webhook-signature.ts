import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures after the Standard Webhooks specification (standardwebhooks.com): the signed content
 * is `<webhook-id>.<webhook-timestamp>.<body>`, signed with HMAC-SHA256 under the secret's bytes
 * (`whsec_` + base64), sent as `v1,<base64>`; several signatures are separated by spaces, so that
 * a receiver that still has the old secret accepts a message during a rotation.
 */

const PREFIX = 'whsec_';

/** A new secret in the specification's form: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => PREFIX + randomBytes(32).toString('base64');

const keyOf = (secret: string): Buffer =>
  secret.startsWith(PREFIX) ? Buffer.from(secret.slice(PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');

const sign = (secret: string, id: string, timestamp: number, body: string): string =>
  createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');

/** The three headers of a message, signed with every secret given (new one first). */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => `v1,${sign(s, id, timestamp, body)}`).join(' '),
  };
}

/** Why a message was refused. */
export type WebhookRefusal = 'missing_headers' | 'bad_timestamp' | 'too_old' | 'too_new' | 'bad_signature' | 'replayed';

/** Ids of messages a receiver has taken, each kept until its timestamp leaves the tolerance. */
export class WebhookReplayGuard {
  private readonly seen = new Map<string, number>();

  /** True the first time an id is offered; false for a repeat. */
  take(id: string, timestamp: number, toleranceSeconds: number, nowSeconds: number): boolean {
    for (const [key, until] of this.seen) if (until < nowSeconds) this.seen.delete(key);
    if (this.seen.has(id)) return false;
    this.seen.set(id, timestamp + toleranceSeconds);
    return true;
  }
}

/**
 * Checks a received message, for receivers: the headers are there, the timestamp is within
 * `toleranceSeconds` (default 300) of now, one of the signatures matches one of the secrets (compared
 * in constant time), and, with a `replays` guard, the id was not taken before. The body must be
 * the raw bytes as received, not re-serialised JSON.
 */
export function verifyWebhook(options: {
  secrets: readonly string[];
  headers: Record<string, string | string[] | undefined>;
  body: string | Buffer;
  toleranceSeconds?: number;
  now?: Date;
  replays?: WebhookReplayGuard;
}): { ok: true; id: string } | { ok: false; reason: WebhookRefusal } {
  const header = (name: string): string | undefined => {
    const value = options.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const stamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !stamp || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(stamp);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (timestamp < now - tolerance) return { ok: false, reason: 'too_old' };
  if (timestamp > now + tolerance) return { ok: false, reason: 'too_new' };
  const body = typeof options.body === 'string' ? options.body : options.body.toString('utf8');
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const matches = options.secrets.some((secret) => {
    const expected = Buffer.from(sign(secret, id, timestamp, body), 'base64');
    return offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected));
  });
  if (!matches) return { ok: false, reason: 'bad_signature' };
  if (options.replays && !options.replays.take(id, timestamp, tolerance, now)) return { ok: false, reason: 'replayed' };
  return { ok: true, id };
}
