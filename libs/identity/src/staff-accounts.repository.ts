import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import { reserveAttempt } from './login-attempts.repository';
import { StaffAccountEntity, StaffRole } from './staff-account.entity';

/** The owner of `staff_accounts`: every statement on it, each in the caller's transaction. */
@Injectable()
export class StaffAccountsRepository {
  async emailTaken(scope: TenantScope, email: string): Promise<boolean> {
    return (await scope.count(StaffAccountEntity, { email })) > 0;
  }

  /** Adds an account that must change its one-time password at the first login. */
  add(
    scope: TenantScope,
    account: { email: string; role: StaffRole; passwordHash: string },
  ): Promise<StaffAccountEntity> {
    return scope.insert(StaffAccountEntity, {
      ...account,
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
    });
  }

  byEmail(scope: TenantScope, email: string): Promise<StaffAccountEntity | null> {
    return scope.findOne(StaffAccountEntity, { email });
  }

  byId(scope: TenantScope, id: string): Promise<StaffAccountEntity | null> {
    return scope.findOne(StaffAccountEntity, { id });
  }

  /** Counts a login attempt before the password is checked; false when the account is locked. */
  reserveAttempt(scope: TenantScope, id: string): Promise<boolean> {
    return reserveAttempt(scope, 'staff_accounts', id);
  }

  /** Clears the failures after a right password. */
  async recordLogin(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.staff_accounts set failed_logins = 0, locked_until = null, last_login_at = now() where id = $1`,
      [id],
    );
  }

  /** Replaces the password; the one-time password is then no longer in force. */
  async changePassword(scope: TenantScope, id: string, passwordHash: string): Promise<void> {
    await scope.query(
      `update public.staff_accounts set password_hash = $2, must_change_password = false where id = $1`,
      [id, passwordHash],
    );
  }
}
