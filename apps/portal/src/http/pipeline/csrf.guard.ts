import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CitizenAuth } from '../citizen-auth';

/**
 * Lets an HTML form post of a logged-in citizen in only with the session's `_csrf` and from this
 * very host (403 `identity.csrf_missing` / `identity.csrf_invalid` otherwise). Without a session
 * it leaves the request to the handler, which sends the citizen to the login page. Forms shown
 * before login (register, log in, password) check their pre-session token in the handler, where a
 * refusal is shown in the form itself; multipart forms carry the token inside the body the handler
 * reads.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly auth: CitizenAuth) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const session = await this.auth.citizenOf(request);
    if (session) this.auth.checkCsrf(request, session, request.body);
    return true;
  }
}
