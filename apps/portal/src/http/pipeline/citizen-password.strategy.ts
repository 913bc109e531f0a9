import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { CitizenAccounts, CitizenSession } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { PageContext } from '../page-context.service';
import { tenantOf } from '../request-state';

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
  constructor(
    private readonly accounts: CitizenAccounts,
    private readonly pages: PageContext,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<CitizenLogin> {
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    return this.accounts.login(tenant, email, password, {
      client: request.ip,
      locale: this.pages.locale(request, undefined, tenant),
    });
  }
}
