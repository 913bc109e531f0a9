import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { StaffLoginResult, bodyFields } from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { tenantOf } from '../request-state';
import { loginServicesOf } from './login-services';

/** What a staff member's password login hands to the handler. */
export type StaffLogin = StaffLoginResult;

/**
 * A staff member's password login on their tenant's host, with the authenticator's `code` when
 * the body has one; locks and answers stay the accounts'.
 */
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
    return staff.login(tenant.id, email, password, bodyFields(request.body).code);
  }
}
