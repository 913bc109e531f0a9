import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import { MAX_FAILURES, reserveAttempt } from './login-attempts.repository';
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
    account: { email: string; role: StaffRole; passwordHash: string; name: string | null; offices: string[] },
  ): Promise<StaffAccountEntity> {
    return scope.insert(StaffAccountEntity, {
      ...account,
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
      disabledAt: null,
      sessionGeneration: 0,
      totpSecret: null,
      totpEnrolledAt: null,
      totpLastStep: null,
      recoveryCodes: [],
    });
  }

  byEmail(scope: TenantScope, email: string): Promise<StaffAccountEntity | null> {
    return scope.findOne(StaffAccountEntity, { email });
  }

  byId(scope: TenantScope, id: string): Promise<StaffAccountEntity | null> {
    return scope.findOne(StaffAccountEntity, { id });
  }

  /** Every account of the tenant, by e-mail address. */
  all(scope: TenantScope): Promise<StaffAccountEntity[]> {
    return scope.find(StaffAccountEntity, { order: { email: 'ASC' } });
  }

  /** Counts a login attempt (password or code) before it is checked; false when the account is locked. */
  reserveAttempt(scope: TenantScope, id: string): Promise<boolean> {
    return reserveAttempt(scope, 'staff_accounts', id);
  }

  /**
   * Gives back the attempt of a right password when a code is still to come: only failures add
   * up, and the lock the attempt itself may have set goes with it.
   */
  async giveBackAttempt(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.staff_accounts
          set failed_logins = greatest(failed_logins - 1, 0),
              locked_until = case when failed_logins - 1 >= $2 then locked_until end
        where id = $1`,
      [id, MAX_FAILURES],
    );
  }

  /** Clears the failures after a complete login. */
  async recordLogin(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.staff_accounts set failed_logins = 0, locked_until = null, last_login_at = now() where id = $1`,
      [id],
    );
  }

  /**
   * Replaces a hash by one of the same password made with today's parameters; a no-op when the
   * password changed since the old hash was read.
   */
  async renewHash(scope: TenantScope, id: string, oldHash: string, newHash: string): Promise<void> {
    await scope.query(`update public.staff_accounts set password_hash = $3 where id = $1 and password_hash = $2`, [
      id,
      oldHash,
      newHash,
    ]);
  }

  /** Replaces the password; the one-time password is then no longer in force. */
  async changePassword(scope: TenantScope, id: string, passwordHash: string): Promise<void> {
    await scope.query(
      `update public.staff_accounts set password_hash = $2, must_change_password = false where id = $1`,
      [id, passwordHash],
    );
  }

  /** Keeps a new, not yet confirmed TOTP secret (sealed); only while none is confirmed. */
  async startTotp(scope: TenantScope, id: string, sealedSecret: string): Promise<boolean> {
    const rows = await scope.query(
      `with started as (
         update public.staff_accounts set totp_secret = $2
          where id = $1 and totp_enrolled_at is null
         returning id)
       select id from started`,
      [id, sealedSecret],
    );
    return rows.length > 0;
  }

  /** Confirms the pending secret with the step of its first code and keeps the recovery codes' hashes. */
  async confirmTotp(scope: TenantScope, id: string, step: number, recoveryHashes: string[]): Promise<boolean> {
    const rows = await scope.query(
      `with confirmed as (
         update public.staff_accounts
            set totp_enrolled_at = now(), totp_last_step = $2, recovery_codes = $3
          where id = $1 and totp_enrolled_at is null and totp_secret is not null
         returning id)
       select id from confirmed`,
      [id, step, recoveryHashes],
    );
    return rows.length > 0;
  }

  /**
   * Takes a time step for a login, in one statement: false when this step or a later one was
   * used already, so that a code seen over someone's shoulder is worth nothing once it was typed.
   */
  async useTotpStep(scope: TenantScope, id: string, step: number): Promise<boolean> {
    const rows = await scope.query(
      `with used as (
         update public.staff_accounts set totp_last_step = $2
          where id = $1 and totp_enrolled_at is not null and (totp_last_step is null or totp_last_step < $2)
         returning id)
       select id from used`,
      [id, step],
    );
    return rows.length > 0;
  }

  /** Spends a recovery code (by its hash); false when it is not (or no longer) among the account's. */
  async useRecoveryCode(scope: TenantScope, id: string, hash: string): Promise<boolean> {
    const rows = await scope.query(
      `with used as (
         update public.staff_accounts set recovery_codes = array_remove(recovery_codes, $2)
          where id = $1 and totp_enrolled_at is not null and $2 = any(recovery_codes)
         returning id)
       select id from used`,
      [id, hash],
    );
    return rows.length > 0;
  }

  /** Disables or enables an account; disabling ends its sessions. False when there is no such account. */
  async setDisabled(scope: TenantScope, id: string, disabled: boolean): Promise<boolean> {
    const rows = await scope.query(
      `with changed as (
         update public.staff_accounts
            set disabled_at = case when $2 then coalesce(disabled_at, now()) end,
                session_generation = session_generation + case when $2 then 1 else 0 end
          where id = $1
         returning id)
       select id from changed`,
      [id, disabled],
    );
    return rows.length > 0;
  }

  async setOffices(scope: TenantScope, id: string, offices: string[]): Promise<boolean> {
    const rows = await scope.query(
      `with changed as (update public.staff_accounts set offices = $2 where id = $1 returning id) select id from changed`,
      [id, offices],
    );
    return rows.length > 0;
  }

  /** Forgets the second factor and ends the account's sessions: it enrols again at its next login. */
  async resetTotp(scope: TenantScope, id: string): Promise<boolean> {
    const rows = await scope.query(
      `with changed as (
         update public.staff_accounts
            set totp_secret = null, totp_enrolled_at = null, totp_last_step = null, recovery_codes = '{}',
                session_generation = session_generation + 1
          where id = $1
         returning id)
       select id from changed`,
      [id],
    );
    return rows.length > 0;
  }
}
