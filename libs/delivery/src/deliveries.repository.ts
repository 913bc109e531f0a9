import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ROLE, TenantScope } from '@openrathaus/database';

export const DELIVERY_STATUSES = [
  'pending',
  'sending',
  'retrying',
  'awaiting_ack',
  'delivered',
  'rejected',
  'dead',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One hand-off of one application, as `deliveries` holds it. */
export interface DeliveryRow {
  id: string;
  tenantId: string;
  applicationId: string;
  stepIndex: number;
  target: string;
  kind: 'email' | 'webhook' | 'fit-connect';
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  receipt: Record<string, unknown> | null;
  continueQueue: string;
  continueJob: string;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

const COLUMNS = `id, tenant_id as "tenantId", application_id as "applicationId", step_index as "stepIndex",
  target, kind, status, attempts, next_attempt_at as "nextAttemptAt", last_error as "lastError", receipt,
  continue_queue as "continueQueue", continue_job as "continueJob", created_at as "createdAt",
  updated_at as "updatedAt", delivered_at as "deliveredAt"`;

/** Rows still to be sent (or followed) and not held by a sender. */
const DUE = `(status in ('pending', 'retrying', 'awaiting_ack') or (status = 'sending' and sending_until < clock_timestamp()))`;

/**
 * The owner of `deliveries`. Work on a row runs in the tenant's scope; only the poller's search
 * for due rows of every tenant runs under a policy of its own.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A new hand-off; when one exists for the application's step already, that one. */
  async create(
    scope: TenantScope,
    row: Pick<DeliveryRow, 'applicationId' | 'stepIndex' | 'target' | 'kind' | 'continueQueue' | 'continueJob'> &
      Partial<Pick<DeliveryRow, 'status' | 'lastError'>>,
  ): Promise<DeliveryRow> {
    await scope.query(
      `insert into public.deliveries
         (tenant_id, application_id, step_index, target, kind, status, last_error, continue_queue, continue_job)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (tenant_id, application_id, step_index) do nothing`,
      [
        scope.tenantId,
        row.applicationId,
        row.stepIndex,
        row.target,
        row.kind,
        row.status ?? 'pending',
        row.lastError ?? null,
        row.continueQueue,
        row.continueJob,
      ],
    );
    return (await this.ofStep(scope, row.applicationId, row.stepIndex)) as DeliveryRow;
  }

  async ofStep(scope: TenantScope, applicationId: string, stepIndex: number): Promise<DeliveryRow | undefined> {
    const rows = await scope.query<DeliveryRow>(
      `select ${COLUMNS} from public.deliveries where application_id = $1 and step_index = $2`,
      [applicationId, stepIndex],
    );
    return rows[0];
  }

  async byId(scope: TenantScope, id: string): Promise<DeliveryRow | undefined> {
    const rows = await scope.query<DeliveryRow>(`select ${COLUMNS} from public.deliveries where id = $1`, [id]);
    return rows[0];
  }

  /** Every hand-off of an application, oldest first. */
  ofApplication(scope: TenantScope, applicationId: string): Promise<DeliveryRow[]> {
    return scope.query<DeliveryRow>(
      `select ${COLUMNS} from public.deliveries where application_id = $1 order by created_at, id`,
      [applicationId],
    );
  }

  /** The tenant's hand-offs that need a person or are being retried, newest change first. */
  failed(scope: TenantScope, limit: number): Promise<DeliveryRow[]> {
    return scope.query<DeliveryRow>(
      `select ${COLUMNS} from public.deliveries
        where status in ('dead', 'rejected', 'retrying')
        order by updated_at desc, id desc
        limit $1`,
      [limit],
    );
  }

  /**
   * Takes a hand-off for one attempt: counts it and holds the row for `seconds`. Undefined when the
   * row is through, or another sender holds it. The poller's hold on a queued attempt ends here,
   * its job having come: should this sender die, the row is due again once `seconds` run out.
   */
  async take(scope: TenantScope, id: string, seconds: number): Promise<DeliveryRow | undefined> {
    const rows = await scope.query<DeliveryRow>(
      `with taken as (update public.deliveries
          set status = case when status = 'awaiting_ack' then status else 'sending' end,
              attempts = attempts + case when status = 'awaiting_ack' then 0 else 1 end,
              sending_until = clock_timestamp() + make_interval(secs => $2),
              queued_until = null,
              updated_at = clock_timestamp()
        where id = $1 and ${DUE}
          and (sending_until is null or sending_until < clock_timestamp())
        returning *)
       select ${COLUMNS} from taken`,
      [id, seconds],
    );
    return rows[0];
  }

  /** The outcome of an attempt; the row is free again. */
  async settle(
    scope: TenantScope,
    id: string,
    outcome: {
      status: DeliveryStatus;
      lastError?: string | null;
      receipt?: Record<string, unknown>;
      nextAttemptAt?: Date;
    },
  ): Promise<void> {
    await scope.query(
      `update public.deliveries
          set status = $2,
              last_error = case when $3::boolean then $4 else last_error end,
              receipt = coalesce($5::jsonb, receipt),
              next_attempt_at = coalesce($6::timestamptz, next_attempt_at),
              delivered_at = case when $2 = 'delivered' then clock_timestamp() else delivered_at end,
              sending_until = null, queued_until = null, updated_at = clock_timestamp()
        where id = $1`,
      [
        id,
        outcome.status,
        outcome.lastError !== undefined,
        outcome.lastError ?? null,
        outcome.receipt ? JSON.stringify(outcome.receipt) : null,
        outcome.nextAttemptAt ?? null,
      ],
    );
  }

  /** A dead or rejected hand-off made due again, with its attempts counted from nought. */
  async reopen(scope: TenantScope, id: string): Promise<DeliveryRow | undefined> {
    const rows = await scope.query<DeliveryRow>(
      `with reopened as (update public.deliveries
          set status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), created_at = clock_timestamp(),
              sending_until = null, queued_until = null, updated_at = clock_timestamp()
        where id = $1 and status in ('dead', 'rejected', 'retrying')
        returning *)
       select ${COLUMNS} from reopened`,
      [id],
    );
    return rows[0];
  }

  /** Strips an application's hand-offs of what the receivers answered; returns their ids. */
  async forget(scope: TenantScope, applicationId: string): Promise<string[]> {
    const rows = await scope.query<{ id: string }>(
      `with forgotten as (update public.deliveries set receipt = null, updated_at = clock_timestamp()
          where application_id = $1 returning id)
       select id from forgotten`,
      [applicationId],
    );
    return rows.map((r) => r.id);
  }

  /** The dead letters of every tenant, counted under the poller's policy (for the metrics). */
  deadLetters(): Promise<{ tenantId: string; count: number }[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true), set_config('app.delivery', 'poll', true)`, [APP_ROLE]);
      const rows = await manager.query<{ tenant_id: string; n: string }[]>(
        `select tenant_id, count(*) as n from public.deliveries where status = 'dead' group by tenant_id`,
      );
      return rows.map((r) => ({ tenantId: r.tenant_id, count: Number(r.n) }));
    });
  }

  /**
   * Takes up to `limit` due rows of every tenant for the poller and holds them for `seconds`, so
   * that the next round does not queue them again while their job waits.
   */
  due(limit: number, seconds: number): Promise<{ tenantId: string; id: string; attempts: number }[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true), set_config('app.delivery', 'poll', true)`, [APP_ROLE]);
      return manager.query(
        `with queued as (update public.deliveries set queued_until = clock_timestamp() + make_interval(secs => $2)
          where (tenant_id, id) in (
            select tenant_id, id from public.deliveries
             where ${DUE} and next_attempt_at <= clock_timestamp()
               and (queued_until is null or queued_until < clock_timestamp())
             order by next_attempt_at limit $1 for update skip locked)
        returning tenant_id, id, attempts)
         select tenant_id as "tenantId", id, attempts from queued`,
        [limit, seconds],
      );
    });
  }
}
