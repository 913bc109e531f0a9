import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import { CitizenAccountEntity } from './citizen-account.entity';
import { reserveAttempt } from './login-attempts.repository';

/** What an account is created with. */
export interface NewCitizenAccount {
  email: string;
  name: string;
  passwordHash: string;
  locale: string;
}

/** The owner of `citizen_accounts`: every statement on it, each in the caller's transaction. */
@Injectable()
export class CitizenAccountsRepository {
  byEmail(scope: TenantScope, email: string): Promise<CitizenAccountEntity | null> {
    return scope.findOne(CitizenAccountEntity, { email });
  }

  byId(scope: TenantScope, id: string): Promise<CitizenAccountEntity | null> {
    return scope.findOne(CitizenAccountEntity, { id });
  }

  /** Adds the account unless the address has one; answers the new id, or undefined when it had. */
  async addUnlessTaken(scope: TenantScope, account: NewCitizenAccount): Promise<string | undefined> {
    // `on conflict do nothing returning` tells a new account from a taken address in one statement.
    const added = await scope.query<{ id: string }>(
      `with added as (
         insert into public.citizen_accounts (tenant_id, email, name, password_hash, locale)
         values ($1, $2, $3, $4, $5) on conflict (tenant_id, email) do nothing returning id)
       select id from added`,
      [scope.tenantId, account.email, account.name, account.passwordHash, account.locale],
    );
    return added[0]?.id;
  }

  async markVerified(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.citizen_accounts set email_verified_at = coalesce(email_verified_at, now()) where id = $1`,
      [id],
    );
  }

  /** Counts a login attempt before the password is checked; false when the account is locked. */
  reserveAttempt(scope: TenantScope, id: string): Promise<boolean> {
    return reserveAttempt(scope, 'citizen_accounts', id);
  }

  /** Clears the failures after a right password; a login counts only on a confirmed address. */
  async recordLogin(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.citizen_accounts set failed_logins = 0, locked_until = null,
              last_login_at = case when email_verified_at is null then last_login_at else now() end
        where id = $1`,
      [id],
    );
  }

  /**
   * Sets a new password, confirms the address, unlocks the account and ends its sessions (a new
   * generation); answers that generation, or undefined when the account is gone.
   */
  async resetPassword(scope: TenantScope, id: string, passwordHash: string): Promise<number | undefined> {
    const rows = await scope.query<{ generation: number }>(
      `with changed as (
         update public.citizen_accounts
            set password_hash = $2, email_verified_at = coalesce(email_verified_at, now()),
                failed_logins = 0, locked_until = null, session_generation = session_generation + 1
          where id = $1 returning session_generation)
       select session_generation as generation from changed`,
      [id, passwordHash],
    );
    return rows[0] ? Number(rows[0].generation) : undefined;
  }

  /**
   * Replaces a hash by one of the same password made with today's parameters; a no-op when the
   * password changed since the old hash was read.
   */
  async renewHash(scope: TenantScope, id: string, oldHash: string, newHash: string): Promise<void> {
    await scope.query(`update public.citizen_accounts set password_hash = $3 where id = $1 and password_hash = $2`, [
      id,
      oldHash,
      newHash,
    ]);
  }

  /** Raises the session generation, which ends every session of the account; answers the new one. */
  async raiseSessionGeneration(scope: TenantScope, id: string): Promise<number | undefined> {
    const rows = await scope.query<{ generation: number }>(
      `with raised as (
         update public.citizen_accounts set session_generation = session_generation + 1
          where id = $1 returning session_generation)
       select session_generation as generation from raised`,
      [id],
    );
    return rows[0] ? Number(rows[0].generation) : undefined;
  }

  async verifiedAddress(
    scope: TenantScope,
    id: string,
  ): Promise<{ email: string; locale: string; name: string } | undefined> {
    const rows = await scope.query<{ email: string; locale: string; name: string }>(
      `select email, locale, name from public.citizen_accounts where id = $1 and email_verified_at is not null`,
      [id],
    );
    return rows[0];
  }

  /**
   * The eID identity bound to the account, with the row locked until the transaction ends; null
   * when none is bound, undefined when the account is gone.
   */
  async lockIdentity(scope: TenantScope, id: string): Promise<string | null | undefined> {
    const rows = await scope.query<{ eid_subject: string | null }>(
      `select eid_subject from public.citizen_accounts where id = $1 for update`,
      [id],
    );
    return rows.length ? rows[0].eid_subject : undefined;
  }

  async identityTaken(scope: TenantScope, digest: string): Promise<boolean> {
    return (await scope.query(`select 1 from public.citizen_accounts where eid_subject = $1`, [digest])).length > 0;
  }

  async bindIdentity(scope: TenantScope, id: string, digest: string): Promise<void> {
    await scope.query(`update public.citizen_accounts set eid_subject = $2 where id = $1`, [id, digest]);
  }
}
