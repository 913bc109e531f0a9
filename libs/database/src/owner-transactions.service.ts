import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { createDataSource } from './data-source.factory';
import { DatabaseError, DatabaseErrorCode } from './database.error';

/**
 * Transactions as the schema owner (`DATABASE_OWNER_URL`), for the one writer of the platform
 * tables the application role may only read (`tenants`, `tenant_domains`): the tenant sync. Each
 * transaction has a connection of its own, closed afterwards, so no process keeps the owner's
 * credentials in an idle pool. Where owner and application share one URL (the embedded database),
 * the application's data source serves.
 */
@Injectable()
export class OwnerTransactions {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const url = this.config.databaseOwnerUrl;
    if (!url) throw new DatabaseError(DatabaseErrorCode.NoOwner);
    if (url === this.config.databaseUrl) return this.dataSource.transaction(work);
    const owner = createDataSource({
      url,
      // The same entities as the application's, so that repositories work in both alike.
      entities: this.dataSource.entityMetadatas.map((m) => m.target).filter((t) => typeof t === 'function'),
      poolSize: 1,
      applicationName: 'openrathaus-owner',
    });
    await owner.initialize();
    try {
      return await owner.transaction(work);
    } finally {
      await owner.destroy();
    }
  }

  /**
   * Returns an open transaction to the connection's own user after `TenantTransactions.within`
   * or `withoutTenant` switched it to the application role.
   */
  async asOwner(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new DatabaseError(DatabaseErrorCode.NoTransaction);
    await manager.query(`select set_config('role', 'none', true), set_config('app.tenant_id', '', true)`);
  }
}
