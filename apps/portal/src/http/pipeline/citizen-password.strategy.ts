import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import type { CitizenSession } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { tenantOf } from '../request-state';
import { loginServicesOf } from './login-services';

/** What a citizen's password login hands to the handler. */
export interface CitizenLogin {
  sessionId: string;
  session: CitizenSession;
}

/**
 * A citizen's password login (e-mail and password) for the realm of the request's tenant. The
 * accounts decide: throttling, locks and the uniform `identity.invalid_credentials` stay theirs.
 */
@Injectable()
export class CitizenPasswordStrategy extends PassportStrategy(Strategy, 'citizen-password') {
  constructor() {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<CitizenLogin> {
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    const { citizens, pages } = loginServicesOf(request);
    if (!citizens || !pages) throw new Error('a citizen login without the citizens’ accounts');
    return citizens.login(tenant, email, password, {
      client: request.ip,
      locale: pages.locale(request, undefined, tenant),
    });
  }
}
