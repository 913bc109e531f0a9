import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ROLE, TenantScope } from '@openrathaus/database';

/** A job waiting in the outbox for the dispatcher. */
export interface OutboxRow {
  id: string;
  tenant_id: string;
  queue: string;
  name: string;
  ids: Record<string, string>;
}

/**
 * The owner of `outbox`. Jobs are written in the caller's transaction; the dispatcher's statements
 * run under its own policy, in short transactions of their own.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(scope: TenantScope, queue: string, name: string, ids: Record<string, string>): Promise<void> {
    await scope.query(`insert into public.outbox (tenant_id, queue, name, ids) values ($1, $2, $3, $4)`, [
      scope.tenantId,
      queue,
      name,
      JSON.stringify(ids),
    ]);
  }

  /**
   * Takes up to `limit` rows nobody holds for `seconds`, oldest first. Skipped locks let two
   * dispatchers take different rows at the same time.
   */
  claim(limit: number, seconds: number): Promise<OutboxRow[]> {
    return this.asDispatcher<OutboxRow[]>(
      `with claimed as (
         update public.outbox set claimed_until = clock_timestamp() + make_interval(secs => $2)
          where id in (
            select id from public.outbox where claimed_until is null or claimed_until < clock_timestamp()
             order by created_at, id limit $1 for update skip locked)
         returning id, tenant_id, queue, name, ids, created_at)
       select * from claimed order by created_at, id`,
      [limit, seconds],
    );
  }

  /** Removes rows that were queued. */
  async remove(ids: string[]): Promise<void> {
    await this.asDispatcher(`delete from public.outbox where id = any($1::uuid[])`, [ids]);
  }

  /** Holds rows that were queued for `seconds`: then they are queued again, unless their job is done by then. */
  async hold(ids: string[], seconds: number): Promise<void> {
    await this.asDispatcher(
      `update public.outbox set claimed_until = clock_timestamp() + make_interval(secs => $2) where id = any($1::uuid[])`,
      [ids, seconds],
    );
  }

  /** A statement under the dispatcher's own policy, which sees every tenant's rows only there. */
  private asDispatcher<R>(sql: string, params: unknown[]): Promise<R> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true), set_config('app.outbox', 'dispatch', true)`, [
        APP_ROLE,
      ]);
      return manager.query<R>(sql, params);
    });
  }
}
