import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdentityError, IdentityErrorCode } from '@openrathaus/identity';
import { STAFF_COOKIE } from '../http/pipeline/staff.guard';

/**
 * The CSRF token of a staff session's forms: derived from the session id, which only the staff
 * member's browser holds (HttpOnly cookie), so a page of another site cannot know it.
 */
export const staffCsrfToken = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(`openrathaus-staff-csrf:${request.cookies[STAFF_COOKIE] ?? ''}`)
    .digest('base64url');

/**
 * Lets a back office form post in only with the session's `_csrf` (403 `identity.csrf_invalid`
 * otherwise). Runs after the staff guard, which has checked the session itself.
 */
@Injectable()
export class StaffCsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
    const expected = Buffer.from(staffCsrfToken(request));
    if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), expected)) {
      throw new IdentityError(IdentityErrorCode.CsrfInvalid);
    }
    return true;
  }
}
