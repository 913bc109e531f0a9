import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a file link in a hand-off stays good: time for a receiver that was down to catch up. */
export const FILE_LINK_SECONDS = 72 * 3600;

const signature = (secret: string, handoffId: string, fileId: string, expires: number): string =>
  createHmac('sha256', secret).update(`delivery-file\n${handoffId}\n${fileId}\n${expires}`).digest('base64url');

/** The path and query of a signed, expiring link to one file of a hand-off (`summary` or an attachment's id). */
export function fileLinkPath(secret: string, handoffId: string, fileId: string, expires: number): string {
  return `/api/v1/deliveries/${handoffId}/files/${fileId}?expires=${expires}&signature=${signature(secret, handoffId, fileId, expires)}`;
}

/** True when the link's signature is the platform's and it has not expired. */
export function fileLinkValid(
  secret: string,
  handoffId: string,
  fileId: string,
  expires: string | undefined,
  given: string | undefined,
  now: Date,
): boolean {
  if (!expires || !/^\d{1,12}$/.test(expires) || !given) return false;
  if (Number(expires) < Math.floor(now.getTime() / 1000)) return false;
  const expected = Buffer.from(signature(secret, handoffId, fileId, Number(expires)));
  const offered = Buffer.from(given);
  return expected.length === offered.length && timingSafeEqual(expected, offered);
}
