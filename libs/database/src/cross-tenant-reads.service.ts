import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ROLE } from './app-role';

/**
 * The policies that open tables to a read across tenants, each with the setting that switches it
 * on (migration 1795305600019): `usage` for the counts of a month, `support` for finding an
 * application by its number. Feature code cannot switch them on (`TenantScope.query` refuses
 * statements that set `app.*`); only the owning libs' repositories go through here.
 */
const POLICIES = {
  usage: ['app.usage', 'count'],
  support: ['app.support', 'find'],
} as const;

export type CrossTenantPolicy = keyof typeof POLICIES;

/** A month, or any span: `from` inclusive, `to` exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * Reads across tenants under one named policy, as the application role (never the owner), in a
 * short transaction of its own: the policy's setting is transaction-local and ends with it.
 */
@Injectable()
export class CrossTenantReads {
  constructor(private readonly dataSource: DataSource) {}

  query<R>(policy: CrossTenantPolicy, sql: string, params: unknown[]): Promise<R[]> {
    const [setting, value] = POLICIES[policy];
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `select set_config('role', $1, true), set_config('app.tenant_id', '', true), set_config($2, $3, true)`,
        [APP_ROLE, setting, value],
      );
      return manager.query<R[]>(sql, params);
    });
  }
}
