import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DatabaseError, DatabaseErrorCode } from './database.error';

/**
 * The operator console's role: it may write only `tenants`, `tenant_domains`, its own accounts and
 * the audit log, and reads across tenants only through the policies made for it
 * (`console_read`). The application role may take it inside a transaction, never otherwise.
 */
export const CONSOLE_ROLE = 'openrathaus_console';

/** An open transaction as the console's role: no tenant, only the console's rights and policies. */
export class ConsoleScope {
  constructor(readonly manager: EntityManager) {}

  query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return this.manager.query(sql, parameters);
  }
}

/**
 * Units of work of the operator console, each in a transaction that first takes the console's
 * role (transaction-local), so that what it writes and reads is held to that role's grants and
 * policies: never the owner's credentials, never row-level security switched off.
 */
@Injectable()
export class ConsoleTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (scope: ConsoleScope) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await this.within(manager);
      return work(new ConsoleScope(manager));
    });
  }

  /** Switches an open transaction to the console's role. */
  async within(manager: EntityManager): Promise<ConsoleScope> {
    if (!manager.queryRunner?.isTransactionActive) throw new DatabaseError(DatabaseErrorCode.NoTransaction);
    await manager.query(`select set_config('role', $1, true), set_config('app.tenant_id', '', true)`, [CONSOLE_ROLE]);
    return new ConsoleScope(manager);
  }
}
