import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { StaffAccounts, StaffSession } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { tenantOf } from '../request-state';

/** What a staff member's password login hands to the handler. */
export interface StaffLogin {
  sessionId: string;
  session: StaffSession;
}

/** A staff member's password login on their tenant's host; locks and answers stay the accounts'. */
@Injectable()
export class StaffPasswordStrategy extends PassportStrategy(Strategy, 'staff-password') {
  constructor(private readonly staff: StaffAccounts) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<StaffLogin> {
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    return this.staff.login(tenant.id, email, password);
  }
}
