import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdentityError, IdentityErrorCode } from '@openrathaus/identity';
import { checkStaffCsrf } from '../http/pipeline/staff.guard';
import { stateOf } from '../http/request-state';

/**
 * Lets a back office form post in only with the staff session's `_csrf`, from this very host
 * (403 otherwise). Runs after the staff guard, which has found the session.
 */
@Injectable()
export class StaffCsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const session = stateOf(request)?.staff;
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    checkStaffCsrf(request, session, request.body);
    return true;
  }
}
