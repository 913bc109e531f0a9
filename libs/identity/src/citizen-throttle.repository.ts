import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';

/** The owner of `citizen_throttle`: counters per realm, kind and client, each in the caller's transaction. */
@Injectable()
export class CitizenThrottleRepository {
  /**
   * Counts one attempt in the window, starting a new window when the last has ended, in one
   * statement so that parallel attempts cannot pass the limit; answers the attempts so far.
   */
  async count(scope: TenantScope, kind: string, client: string, windowMinutes: number): Promise<number> {
    const rows = await scope.query<{ attempts: number }>(
      `with counted as (
         insert into public.citizen_throttle as t (tenant_id, kind, client, attempts, window_ends)
         values ($1, $2, $3, 1, now() + make_interval(mins => $4))
         on conflict (tenant_id, kind, client) do update set
           attempts = case when t.window_ends <= now() then 1 else t.attempts + 1 end,
           window_ends = case when t.window_ends <= now() then excluded.window_ends else t.window_ends end
         returning attempts)
       select attempts from counted`,
      [scope.tenantId, kind, client, windowMinutes],
    );
    return Number(rows[0]?.attempts ?? 0);
  }

  async giveBack(scope: TenantScope, kind: string, client: string): Promise<void> {
    await scope.query(
      `update public.citizen_throttle set attempts = greatest(attempts - 1, 0)
        where tenant_id = $1 and kind = $2 and client = $3`,
      [scope.tenantId, kind, client],
    );
  }

  /** Removes the windows that ended more than an hour ago. */
  async sweep(scope: TenantScope): Promise<void> {
    await scope.query(`delete from public.citizen_throttle where window_ends < now() - interval '1 hour'`);
  }
}
