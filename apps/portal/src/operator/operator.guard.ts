import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdentityError, IdentityErrorCode, StaffAccounts } from '@openrathaus/identity';
import {
  OPERATOR_COOKIE,
  OperationsError,
  OperationsErrorCode,
  OperatorAccounts,
  OperatorSession,
} from '@openrathaus/operations';
import { CSRF_FIELD, checkSameOrigin } from '../http/citizen-auth';
import { stateOf } from '../http/request-state';
import { STAFF_COOKIE } from '../http/pipeline/staff.guard';

/** Lets in only requests on the operator console's host; elsewhere the console does not exist (404). */
@Injectable()
export class OperatorHostGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!stateOf(context.switchToHttp().getRequest<FastifyRequest>())?.operator) {
      throw new OperationsError(OperationsErrorCode.NotFound);
    }
    return true;
  }
}

/**
 * Lets in only an operator logged in completely (password changed, second factor passed) on the
 * operator host: 404 on any other host, 401 without an operator session, 403 for a login not
 * complete yet and for the staff of any tenant.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    private readonly operators: OperatorAccounts,
    private readonly staff: StaffAccounts,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const state = stateOf(request);
    if (!state?.operator) throw new OperationsError(OperationsErrorCode.NotFound);
    const cookie = request.cookies[OPERATOR_COOKIE];
    if (!cookie && (await this.staff.isStaffSession(request.cookies[STAFF_COOKIE]))) {
      // A tenant's staff (its admin included) is known, and not let in.
      throw new OperationsError(OperationsErrorCode.Forbidden);
    }
    state.operatorSession = await this.operators.require(cookie);
    return true;
  }
}

/** The operator {@link OperatorGuard} let in. */
export const CurrentOperator = createParamDecorator((_data: unknown, context: ExecutionContext): OperatorSession => {
  const session = stateOf(context.switchToHttp().getRequest<FastifyRequest>())?.operatorSession;
  if (!session) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
  return session;
});

/**
 * Checks an HTML form post of an operator session: `_csrf` must be the session's token and a
 * browser-sent Origin this host.
 */
export function checkOperatorCsrf(request: FastifyRequest, session: OperatorSession, body: unknown): void {
  const sent = body && typeof body === 'object' ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  if (sent === undefined || sent === '') throw new IdentityError(IdentityErrorCode.CsrfMissing);
  checkSameOrigin(request);
  const a = Buffer.from(typeof sent === 'string' ? sent : '');
  const b = Buffer.from(session.csrfToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
}
