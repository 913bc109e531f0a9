import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import type { StaffSession } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { tenantOf } from '../request-state';
import { loginServicesOf } from './login-services';

/** What a staff member's password login hands to the handler. */
export interface StaffLogin {
  sessionId: string;
  session: StaffSession;
}

/** A staff member's password login on their tenant's host; locks and answers stay the accounts'. */
@Injectable()
export class StaffPasswordStrategy extends PassportStrategy(Strategy, 'staff-password') {
  constructor() {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<StaffLogin> {
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    const { staff } = loginServicesOf(request);
    if (!staff) throw new Error('a staff login without the staff accounts');
    return staff.login(tenant.id, email, password);
  }
}
