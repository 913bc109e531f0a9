import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed link lets its holder do. */
export type LinkPurpose = 'confirm' | 'manage' | 'feed';

/**
 * Signed links of appointments: the tenant, the appointment (or office, for a feed), the purpose
 * and the appointment's link version under the app's secret. A confirmation, move or cancellation
 * raises the version, so a link is spent once it has been used.
 */
export class AppointmentLinks {
  constructor(private readonly secret: string) {}

  sign(tenantId: string, subject: string, purpose: LinkPurpose, version = 0): string {
    return createHmac('sha256', this.secret)
      .update(`appointment:${purpose}:${tenantId}:${subject}:${version}`)
      .digest('base64url');
  }

  verify(tenantId: string, subject: string, purpose: LinkPurpose, version: number, token: unknown): boolean {
    if (typeof token !== 'string' || token.length !== 43) return false;
    const expected = Buffer.from(this.sign(tenantId, subject, purpose, version));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
