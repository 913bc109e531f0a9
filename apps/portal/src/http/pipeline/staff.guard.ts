import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IdentityError, IdentityErrorCode, StaffAccounts, StaffRole, StaffSession } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { CSRF_FIELD, checkSameOrigin } from '../citizen-auth';
import { stateOf, tenantOf } from '../request-state';

/** The staff session's cookie. */
export const STAFF_COOKIE = 'or_staff';

const ROLES = 'openrathaus:staff-roles';

/** The roles that may use a handler (or every handler of a controller) behind {@link StaffGuard}. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES, roles);

/**
 * Lets in only a staff member logged in completely (password changed, second factor passed) on
 * this tenant's host whose role the handler names (`@Roles(...)`): 401 without a session, 403
 * for a login not complete yet (the code names the missing step) or with another role.
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly staff: StaffAccounts,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    const session = await this.staff.require(tenant.id, request.cookies[STAFF_COOKIE], roles ?? []);
    const state = stateOf(request);
    if (state) state.staff = session;
    return true;
  }
}

/** The staff member {@link StaffGuard} let in. */
export const Staff = createParamDecorator((_data: unknown, context: ExecutionContext): StaffSession => {
  const session = stateOf(context.switchToHttp().getRequest<FastifyRequest>())?.staff;
  if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
  return session;
});

/**
 * Checks an HTML form post of a staff session: `_csrf` must be the session's token and a
 * browser-sent Origin this host. Throws `identity.csrf_missing` or `identity.csrf_invalid` (403).
 */
export function checkStaffCsrf(request: FastifyRequest, session: StaffSession, body: unknown): void {
  const sent = body && typeof body === 'object' ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  if (sent === undefined || sent === '') throw new IdentityError(IdentityErrorCode.CsrfMissing);
  checkSameOrigin(request);
  const a = Buffer.from(typeof sent === 'string' ? sent : '');
  const b = Buffer.from(session.csrfToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
}
