import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { currentTenantId, isUuid } from '@openrathaus/core';
import { APP_ROLE } from './app-role';
import { DatabaseError, DatabaseErrorCode } from './database.error';
import { TenantScope } from './tenant-scope';

/** Set while the work of `run` goes on, in its async context only. */
const openTransaction = new AsyncLocalStorage<boolean>();

/**
 * Units of work for one tenant. Each runs in its own transaction that first takes the application
 * role and the tenant (both transaction-local, never per session), so row-level security applies
 * even where the connection belongs to a more privileged user (the embedded database).
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` for the tenant of the current context. */
  inCurrentTenant<T>(work: (scope: TenantScope) => Promise<T>): Promise<T> {
    return this.run(currentTenantId(), work);
  }

  /** Runs `work` for the given tenant. */
  run<T>(tenantId: string, work: (scope: TenantScope) => Promise<T>): Promise<T> {
    if (!isUuid(tenantId)) throw new DatabaseError(DatabaseErrorCode.InvalidTenant, { tenantId });
    // A transaction inside another would need a second connection while the first waits: the
    // embedded database has one session and would hang. Refused everywhere, so tests find it.
    if (openTransaction.getStore()) throw new DatabaseError(DatabaseErrorCode.NestedTransaction, { tenantId });
    return this.transaction(tenantId, work);
  }

  private async transaction<T>(tenantId: string, work: (scope: TenantScope) => Promise<T>): Promise<T> {
    let scope: TenantScope | undefined;
    const result = await this.dataSource.transaction((manager) =>
      openTransaction.run(true, async () => {
        scope = await this.within(manager, tenantId);
        return work(scope);
      }),
    );
    scope?.runAfterCommit();
    return result;
  }

  /**
   * Switches an open transaction to the application role without a tenant: row-level security then
   * shows only what policies grant every tenant (e.g. shared definitions), in every mode alike.
   */
  async withoutTenant(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new DatabaseError(DatabaseErrorCode.NoTransaction);
    await manager.query(`select set_config('role', $1, true), set_config('app.tenant_id', '', true)`, [APP_ROLE]);
  }

  /**
   * Switches a transaction that is already open (a sync that spans many tenants) to the given
   * tenant and the application role, until the next switch or the end of the transaction. A scope
   * handed out before follows the switch (it shares the connection): use only the newest.
   */
  async within(manager: EntityManager, tenantId: string): Promise<TenantScope> {
    if (!isUuid(tenantId)) throw new DatabaseError(DatabaseErrorCode.InvalidTenant, { tenantId });
    if (!manager.queryRunner?.isTransactionActive) throw new DatabaseError(DatabaseErrorCode.NoTransaction);
    await manager.query(`select set_config('role', $1, true), set_config('app.tenant_id', $2, true)`, [
      APP_ROLE,
      tenantId,
    ]);
    return new TenantScope(tenantId, manager);
  }
}
