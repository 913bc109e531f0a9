import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CitizenSession, IdentityError, IdentityErrorCode } from '@openrathaus/identity';
import { CitizenAuth } from '../citizen-auth';
import { stateOf } from '../request-state';

/** Lets in only a logged-in citizen of this tenant's realm (401 `identity.not_logged_in` otherwise). */
@Injectable()
export class CitizenGuard implements CanActivate {
  constructor(private readonly auth: CitizenAuth) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const session = await this.auth.requireCitizen(request);
    const state = stateOf(request);
    if (state) state.citizen = session;
    return true;
  }
}

/** The citizen {@link CitizenGuard} let in. */
export const Citizen = createParamDecorator((_data: unknown, context: ExecutionContext): CitizenSession => {
  const session = stateOf(context.switchToHttp().getRequest<FastifyRequest>())?.citizen;
  if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
  return session;
});
