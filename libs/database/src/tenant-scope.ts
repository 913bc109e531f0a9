import { DeepPartial, EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere } from 'typeorm';
import { DatabaseError, DatabaseErrorCode } from './database.error';
import { TenantOwned } from './tenant-owned';

/** Conditions of a tenant-scoped query: the tenant is never among them, the scope adds it. */
export type ScopedWhere<T> = Omit<FindOptionsWhere<T>, 'tenantId'>;

export interface ScopedFindOptions<T> extends Omit<FindManyOptions<T>, 'where'> {
  where?: ScopedWhere<T>;
}

/**
 * The only way feature code reaches tenant-owned tables: every query it builds carries the tenant
 * of the transaction, and row-level security in PostgreSQL checks the same tenant again.
 */
export class TenantScope {
  private readonly committed: (() => void)[] = [];

  constructor(
    readonly tenantId: string,
    private readonly manager: EntityManager,
  ) {}

  /**
   * Runs `then` once the transaction has committed (never when it rolls back). Only transactions
   * opened by `TenantTransactions.run` call it; inside a longer transaction (a sync) nothing
   * calls it, so it may be a hint to hurry only, never the only way a thing happens.
   */
  afterCommit(then: () => void): void {
    this.committed.push(then);
  }

  /** @internal called by TenantTransactions after the commit. */
  runAfterCommit(): void {
    for (const then of this.committed.splice(0)) then();
  }

  find<T extends TenantOwned>(entity: EntityTarget<T>, options: ScopedFindOptions<T> = {}): Promise<T[]> {
    return this.manager.find(entity, { ...options, where: this.where(options.where) });
  }

  findOne<T extends TenantOwned>(entity: EntityTarget<T>, where: ScopedWhere<T>): Promise<T | null> {
    return this.manager.findOne(entity, { where: this.where(where) });
  }

  count<T extends TenantOwned>(entity: EntityTarget<T>, where?: ScopedWhere<T>): Promise<number> {
    return this.manager.count(entity, { where: this.where(where) });
  }

  async insert<T extends TenantOwned>(entity: EntityTarget<T>, values: Omit<DeepPartial<T>, 'tenantId'>): Promise<T> {
    // insert, never save: save would update an existing row whose id the caller passed.
    const row = this.manager.create(entity, { ...values, tenantId: this.tenantId } as DeepPartial<T>);
    await this.manager.insert(entity, row as never);
    return row;
  }

  /**
   * Raw SQL inside the tenant's transaction; row-level security still applies. Statements that
   * could change the transaction's tenant or role are refused.
   */
  query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (
      /\b(set_config|set\s+(local\s+|session\s+)?(role|session\s+authorization)|reset\s+(role|all|session)|set\s+(local\s+)?app\.)/i.test(
        sql,
      )
    ) {
      return Promise.reject(new DatabaseError(DatabaseErrorCode.ForbiddenStatement));
    }
    return this.manager.query(sql, params);
  }

  private where<T extends TenantOwned>(where?: ScopedWhere<T>): FindOptionsWhere<T> {
    return { ...(where ?? {}), tenantId: this.tenantId } as FindOptionsWhere<T>;
  }
}
