import { Injectable } from '@nestjs/common';
import type { ConsoleScope } from '@openrathaus/database';

/** Failed logins in a row that lock an operator account, and for how long (as for staff). */
export const OPERATOR_MAX_FAILURES = 5;
export const OPERATOR_LOCK_MINUTES = 15;

/** An operator account's row. */
export interface OperatorAccountRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  must_change_password: boolean;
  totp_secret: string | null;
  totp_enrolled_at: Date | null;
  session_generation: number;
  disabled_at: Date | null;
}

const COLUMNS = `id, email, name, password_hash, must_change_password, totp_secret, totp_enrolled_at,
  session_generation, disabled_at`;

/**
 * The owner of `operator_accounts`: every statement on it, in the console's transactions (the
 * application role has no rights on the table).
 */
@Injectable()
export class OperatorAccountsRepository {
  async emailTaken(scope: ConsoleScope, email: string): Promise<boolean> {
    return (await scope.query(`select 1 from public.operator_accounts where email = $1`, [email])).length > 0;
  }

  async add(scope: ConsoleScope, account: { email: string; name: string | null; passwordHash: string }) {
    const rows = await scope.query<{ id: string }>(
      `insert into public.operator_accounts (email, name, password_hash) values ($1, $2, $3) returning id`,
      [account.email, account.name, account.passwordHash],
    );
    return rows[0].id;
  }

  async byEmail(scope: ConsoleScope, email: string): Promise<OperatorAccountRow | undefined> {
    return (
      await scope.query<OperatorAccountRow>(`select ${COLUMNS} from public.operator_accounts where email = $1`, [email])
    )[0];
  }

  async byId(scope: ConsoleScope, id: string): Promise<OperatorAccountRow | undefined> {
    return (
      await scope.query<OperatorAccountRow>(`select ${COLUMNS} from public.operator_accounts where id = $1`, [id])
    )[0];
  }

  /** Counts an attempt before the password is checked, in one statement; false while the account is locked. */
  async reserveAttempt(scope: ConsoleScope, id: string): Promise<boolean> {
    const rows = await scope.query(
      `with reserved as (
         update public.operator_accounts set failed_logins = failed_logins + 1,
                locked_until = case when failed_logins + 1 >= $2 then now() + make_interval(mins => $3) end
          where id = $1 and (locked_until is null or locked_until <= now())
         returning id)
       select id from reserved`,
      [id, OPERATOR_MAX_FAILURES, OPERATOR_LOCK_MINUTES],
    );
    return rows.length > 0;
  }

  /** Gives back the attempt of a right password when its code is still to come. */
  async giveBackAttempt(scope: ConsoleScope, id: string): Promise<void> {
    await scope.query(
      `update public.operator_accounts
          set failed_logins = greatest(failed_logins - 1, 0),
              locked_until = case when failed_logins - 1 >= $2 then locked_until end
        where id = $1`,
      [id, OPERATOR_MAX_FAILURES],
    );
  }

  async recordLogin(scope: ConsoleScope, id: string): Promise<void> {
    await scope.query(
      `update public.operator_accounts set failed_logins = 0, locked_until = null, last_login_at = now() where id = $1`,
      [id],
    );
  }

  async changePassword(scope: ConsoleScope, id: string, passwordHash: string): Promise<void> {
    await scope.query(
      `update public.operator_accounts set password_hash = $2, must_change_password = false where id = $1`,
      [id, passwordHash],
    );
  }

  async startTotp(scope: ConsoleScope, id: string, sealedSecret: string): Promise<boolean> {
    const rows = await scope.query(
      `with started as (
         update public.operator_accounts set totp_secret = $2 where id = $1 and totp_enrolled_at is null returning id)
       select id from started`,
      [id, sealedSecret],
    );
    return rows.length > 0;
  }

  async confirmTotp(scope: ConsoleScope, id: string, step: number, recoveryHashes: string[]): Promise<boolean> {
    const rows = await scope.query(
      `with confirmed as (
         update public.operator_accounts
            set totp_enrolled_at = now(), totp_last_step = $2, recovery_codes = $3
          where id = $1 and totp_enrolled_at is null and totp_secret is not null
         returning id)
       select id from confirmed`,
      [id, step, recoveryHashes],
    );
    return rows.length > 0;
  }

  /** Records the time step of a code; false when that step (or a later one) was used before. */
  async useTotpStep(scope: ConsoleScope, id: string, step: number): Promise<boolean> {
    const rows = await scope.query(
      `with used as (
         update public.operator_accounts set totp_last_step = $2
          where id = $1 and totp_enrolled_at is not null and (totp_last_step is null or totp_last_step < $2)
         returning id)
       select id from used`,
      [id, step],
    );
    return rows.length > 0;
  }

  async useRecoveryCode(scope: ConsoleScope, id: string, hash: string): Promise<boolean> {
    const rows = await scope.query(
      `with used as (
         update public.operator_accounts set recovery_codes = array_remove(recovery_codes, $2)
          where id = $1 and totp_enrolled_at is not null and $2 = any(recovery_codes)
         returning id)
       select id from used`,
      [id, hash],
    );
    return rows.length > 0;
  }
}
