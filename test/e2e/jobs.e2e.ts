import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { CoreModule, currentContext, runInContext } from '@openrathaus/core';
import {
  AuditLogEntry,
  DATABASE_ENTITIES,
  DatabaseModule,
  TenantTransactions,
  migrateQueueStore,
} from '@openrathaus/database';
import {
  HandlesJob,
  JobHandler,
  JobPayload,
  JobQueues,
  JobWorkers,
  JobsModule,
  Outbox,
  QueueInspector,
  outboxJobId,
} from '@openrathaus/jobs';
import { TENANCY_ENTITIES, TenancyModule, TenantSync } from '@openrathaus/tenancy';
import { TestDatabase, createTestDatabase, testConfig } from '@openrathaus/testing';
import { Client, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { eventually, queueSettled } from '../support';

const seen: { backend: string; tenantId?: string; correlationId: string; payloadTenant: string }[] = [];

@Injectable()
@HandlesJob('probe', 'probe.context')
class ProbeHandler implements JobHandler {
  handle(payload: JobPayload): Promise<void> {
    const context = currentContext();
    seen.push({
      backend: payload.backend,
      tenantId: context.tenantId,
      correlationId: context.correlationId,
      payloadTenant: payload.tenantId,
    });
    return Promise.resolve();
  }
}

@Module({ providers: [ProbeHandler] })
class ProbeModule {}

describe.each([
  ['redis', true],
  ['postgres', false],
])('jobs on the %s backend', (backend, withRedis) => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let tenants: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Without Redis, `db migrate` lays out BullMQ's store as the owner; the queues use it as the app role.
    if (!withRedis) await migrateQueueStore(db.ownerUrl);
    const config = testConfig(db, withRedis ? {} : { redisUrl: undefined });
    app = await NestFactory.createApplicationContext(
      {
        module: class JobsTestModule {},
        imports: [
          CoreModule.forRoot(config),
          DatabaseModule.forRoot({ entities: [...DATABASE_ENTITIES, ...TENANCY_ENTITIES] }),
          JobsModule.forRoot({ runWorkers: true }),
          TenancyModule,
          ProbeModule,
        ],
      },
      { logger: false },
    );
    await app.init();
    await app.get(TenantSync).sync(config.tenantsDir);
    const rows = (await app.get(DataSource).query<unknown>(`select id, slug from public.tenants`)) as {
      id: string;
      slug: string;
    }[];
    tenants = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
  });

  /** A statement as the schema owner, from outside the application. */
  const ownerQuery = async <R extends QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> => {
    const client = new Client({ connectionString: db.ownerUrl });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('runs a job enqueued for tenant A in tenant A context, with the correlation id of the request', async () => {
    const queues = app.get(JobQueues);
    const a = tenants.gelsenkirchen;
    const b = tenants.bottrop;
    await runInContext({ correlationId: `req-${backend}-a`, tenantId: a }, () =>
      queues.enqueue('probe', 'probe.context', { tenantId: a, backend }),
    );
    await queues.enqueue('probe', 'probe.context', { tenantId: b, backend });
    const mine = await eventually(() => {
      const rows = seen.filter((s) => s.backend === backend);
      return Promise.resolve(rows.length === 2 ? rows : undefined);
    });
    const forA = mine.find((s) => s.payloadTenant === a);
    expect(forA).toEqual({ backend, tenantId: a, correlationId: `req-${backend}-a`, payloadTenant: a });
    const forB = mine.find((s) => s.payloadTenant === b);
    expect(forB?.tenantId).toBe(b);
    expect(forB?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends an outbox job once its transaction commits, and never one that rolled back', async () => {
    const transactions = app.get(TenantTransactions);
    const outbox = app.get(Outbox);
    const a = tenants.gladbeck;
    await transactions.run(a, (scope) => outbox.add(scope, 'probe', 'probe.context', { backend: `${backend}-outbox` }));
    await expect(
      transactions.run(a, async (scope) => {
        await outbox.add(scope, 'probe', 'probe.context', { backend: `${backend}-rolled-back` });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    const sent = await eventually(() =>
      Promise.resolve(seen.find((s) => s.backend === `${backend}-outbox`) ?? undefined),
    );
    expect(sent).toMatchObject({ tenantId: a, payloadTenant: a });
    // A second round finds nothing to send; the row's id as job id makes a repeated enqueue one job.
    await outbox.dispatchAll();
    await queueSettled(app.get(JobQueues), 'probe');
    expect(seen.filter((s) => s.backend === `${backend}-outbox`)).toHaveLength(1);
    expect(seen.some((s) => s.backend === `${backend}-rolled-back`)).toBe(false);
    const left = await transactions.run(a, (scope) => scope.query(`select count(*)::int as n from public.outbox`));
    expect(left[0]).toEqual({ n: 0 });
  });

  it('queues an outbox job again that the queue lost, until it has run', async () => {
    const transactions = app.get(TenantTransactions);
    const outbox = app.get(Outbox);
    const queue = app.get(JobQueues).queue('probe-unhandled');
    const a = tenants.herten;
    // A queue no worker takes from, so that the job waits there as it would behind a busy worker.
    const probe = `${backend}-lost`;
    await transactions.run(a, (scope) => outbox.add(scope, 'probe-unhandled', 'probe.lost', { backend: probe }));
    await outbox.dispatchAll();
    const rowOf = async () =>
      (
        await ownerQuery<{ id: string }>(
          `select id from public.outbox where queue = 'probe-unhandled' and ids->>'backend' = $1`,
          [probe],
        )
      )[0];
    const row = await rowOf();
    expect(row).toBeDefined();
    expect((await queue.getJob(outboxJobId(row.id)))?.data).toMatchObject({ backend: probe, tenantId: a });

    // The queue loses it (a Redis that restarted empty); once the row's wait is over it is queued again.
    await queue.obliterate({ force: true });
    expect(await queue.getJob(outboxJobId(row.id))).toBeUndefined();
    await ownerQuery(`update public.outbox set claimed_until = now() - interval '1 second' where id = $1`, [row.id]);
    await outbox.dispatchAll();
    expect((await queue.getJob(outboxJobId(row.id)))?.data).toMatchObject({ backend: probe, tenantId: a });
    // Queued again while the queue still has it: still one job.
    await ownerQuery(`update public.outbox set claimed_until = now() - interval '1 second' where id = $1`, [row.id]);
    await outbox.dispatchAll();
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });

    // Once it has run, its row is gone.
    const job = await queue.getJob(outboxJobId(row.id));
    await app.get(JobWorkers).process('probe', { id: job!.id, name: 'probe.context', data: job!.data });
    expect(await rowOf()).toBeUndefined();
    await queue.obliterate({ force: true });
  });

  it('refuses a transaction opened inside another (the embedded database would wait forever)', async () => {
    const transactions = app.get(TenantTransactions);
    await expect(
      transactions.run(tenants.marl, () => transactions.run(tenants.herten, (inner) => inner.count(AuditLogEntry))),
    ).rejects.toThrow(/nested_transaction/);
    // One after the other is fine, also started from inside an after-commit hook.
    await transactions.run(tenants.marl, (scope) => scope.count(AuditLogEntry));
    await transactions.run(tenants.herten, (scope) => scope.count(AuditLogEntry));
  });

  it("keeps outbox rows of one tenant from another tenant's transactions", async () => {
    const transactions = app.get(TenantTransactions);
    const outbox = app.get(Outbox);
    // Written inside a longer transaction (no after-commit hook): the row waits for the next round.
    const visible = await transactions.run(tenants.herten, async (scope) => {
      await outbox.add(scope, 'probe', 'probe.context', { backend: `${backend}-hidden` });
      return scope.query<{ n: number }>(`select count(*)::int as n from public.outbox`);
    });
    expect(visible[0].n).toBeGreaterThanOrEqual(1);
    const fromMarl = await transactions.run(tenants.marl, (scope) =>
      scope.query<{ n: number }>(`select count(*)::int as n from public.outbox where ids->>'backend' = $1`, [
        `${backend}-hidden`,
      ]),
    );
    expect(fromMarl[0].n).toBe(0);
    await expect(
      transactions.run(tenants.marl, (scope) => scope.query(`select set_config('app.outbox', 'dispatch', true)`)),
    ).rejects.toThrow(/forbidden_statement/);
  });

  it('refuses a payload that is not ids', async () => {
    const queues = app.get(JobQueues);
    await expect(queues.enqueue('probe', 'probe.context', { tenantId: 'nope' })).rejects.toThrow(/invalid_payload/);
    await expect(
      queues.enqueue('probe', 'probe.context', { tenantId: tenants.marl, obj: {} as unknown as string }),
    ).rejects.toThrow(/invalid_payload/);
  });

  it('applies a synced tenant in the worker: audit entry in that tenant only, once per revision', async () => {
    const transactions = app.get(TenantTransactions);
    const entries = await eventually(async () => {
      const rows = await transactions.run(tenants.recklinghausen, (s) =>
        s.find(AuditLogEntry, { where: { action: 'tenant.config_applied' } }),
      );
      return rows.length ? rows : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subject: 'recklinghausen', actor: 'system' });
    const foreign = await transactions.run(tenants.recklinghausen, (s) =>
      s.query(`select count(*)::int as n from public.audit_log where subject <> 'recklinghausen'`),
    );
    expect(foreign[0]).toEqual({ n: 0 });
  });

  it('has no second effect when a tenant refresh runs again', async () => {
    const workers = app.get(JobWorkers);
    const job = { name: 'tenant.refresh', data: { tenantId: tenants.recklinghausen, correlationId: 'again' } };
    await workers.process('tenants', job);
    await workers.process('tenants', job);
    const entries = await app
      .get(TenantTransactions)
      .run(tenants.recklinghausen, (s) => s.find(AuditLogEntry, { where: { action: 'tenant.config_applied' } }));
    expect(entries).toHaveLength(1);
  });
  it('shows the operator a failed job per queue and tenant, and retries and discards it', async () => {
    const queues = app.get(JobQueues);
    const inspector = app.get(QueueInspector);
    const a = tenants.herten;
    // No handler takes the name: it fails at once, for good with one attempt.
    const id = await queues.enqueue('probe', 'probe.missing', { tenantId: a }, { attempts: 1 });
    const failed = async () => (await queues.queue('probe').getJobState(id)) === 'failed';
    await eventually(failed);
    expect(inspector.names()).toContain('probe');
    const probe = (await inspector.overview()).find((q) => q.queue === 'probe')!;
    expect(probe.counts).toMatchObject({ failed: 1, dead: 1 });
    expect(probe.tenants[a]).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1, dead: 1 });
    expect(await inspector.failed('probe', { tenantId: a })).toEqual([
      expect.objectContaining({
        id,
        name: 'probe.missing',
        tenantId: a,
        dead: true,
        error: expect.stringContaining('jobs.no_handler'),
      }),
    ]);
    expect(await inspector.retry('probe', id)).toBe(true);
    await eventually(failed);
    expect(await inspector.discard('probe', id)).toBe(true);
    expect(await inspector.job('probe', id)).toBeUndefined();
    expect(await inspector.discard('probe', id)).toBe(false);
  });
});
