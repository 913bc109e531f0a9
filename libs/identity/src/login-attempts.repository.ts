import type { TenantScope } from '@openrathaus/database';

/** Failed logins in a row that lock an account, and for how long. */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

/** The tables of accounts that log in with a password; each has `failed_logins` and `locked_until`. */
export type AccountTable = 'citizen_accounts' | 'staff_accounts';

/**
 * Counts a login attempt before the password is checked, in one statement, so that parallel
 * guesses cannot pass the limit; the fifth failure locks the account. False when it is locked.
 * Shared by the repositories of both account tables, which have the same columns for it.
 */
export async function reserveAttempt(scope: TenantScope, table: AccountTable, accountId: string): Promise<boolean> {
  const rows = await scope.query(
    // Wrapped in a select: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    `with reserved as (
       update public.${table} set failed_logins = failed_logins + 1,
              locked_until = case when failed_logins + 1 >= $2 then now() + make_interval(mins => $3) end
        where id = $1 and (locked_until is null or locked_until <= now())
       returning id)
     select id from reserved`,
    [accountId, MAX_FAILURES, LOCK_MINUTES],
  );
  return rows.length > 0;
}
