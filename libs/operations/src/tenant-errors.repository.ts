import { Injectable } from '@nestjs/common';
import type { ConsoleScope, TenantScope } from '@openrathaus/database';

/** The owner of `tenant_error_counts`: failed answers per tenant and hour, shared by every instance. */
@Injectable()
export class TenantErrorsRepository {
  /** Counts one failed answer in the scope's tenant's current hour. */
  async count(scope: TenantScope): Promise<void> {
    await scope.query(
      `insert into public.tenant_error_counts (tenant_id, hour, count) values ($1, date_trunc('hour', now()), 1)
       on conflict (tenant_id, hour) do update set count = public.tenant_error_counts.count + 1`,
      [scope.tenantId],
    );
  }

  /** Failed answers since `since` (to the hour), by tenant id: the console's read across tenants. */
  async since(scope: ConsoleScope, since: Date): Promise<Map<string, number>> {
    const rows = await scope.query<{ tenant_id: string; n: string }>(
      `select tenant_id, sum(count) as n from public.tenant_error_counts
        where hour >= date_trunc('hour', $1::timestamptz) group by tenant_id`,
      [since],
    );
    return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
  }
}
