import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLogEntry, DATABASE_ENTITIES, TenantTransactions, createDataSource } from '@openrathaus/database';
import { PgBouncer, TestDatabase, createTestDatabase, startPgBouncer } from '@openrathaus/testing';
import { describeTenantIsolation } from '../support-isolation';

/**
 * PgBouncer in transaction pooling mode in front of PostgreSQL: consecutive transactions of
 * different clients run on the same server connection, so nothing the platform sets may outlive
 * its transaction, and no named prepared statement may be used (PgBouncer 1.18 keeps none).
 */
let isolationBouncer: PgBouncer | undefined;
describeTenantIsolation('tenant isolation through PgBouncer (transaction pooling)', {
  appUrl: async (db) => {
    isolationBouncer = await startPgBouncer([db.appUrl], { poolSize: 2 });
    return isolationBouncer.url(db.appUrl);
  },
  teardown: async () => isolationBouncer?.stop(),
});

describe('transactions sharing one server connection behind PgBouncer', () => {
  let db: TestDatabase;
  let bouncer: PgBouncer;
  let dataSource: DataSource;
  let transactions: TenantTransactions;
  let clients: Client[];
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const rows = await owner.query<{ id: string }>(
      `insert into public.tenants (slug, kind, name, status) values ('a', 'municipality', 'A', 'live'),
       ('b', 'municipality', 'B', 'live') returning id`,
    );
    [tenantA, tenantB] = rows.rows.map((r) => r.id);
    await owner.end();
    // One server connection for every client: each transaction follows another's on it.
    bouncer = await startPgBouncer([db.appUrl], { poolSize: 1 });
    const url = bouncer.url(db.appUrl);
    dataSource = await createDataSource({ url, entities: DATABASE_ENTITIES, poolSize: 10 }).initialize();
    transactions = new TenantTransactions(dataSource);
    clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await dataSource.destroy();
    await bouncer.stop();
    await db.drop();
  });

  it('runs the transactions of every client on the same server connection', async () => {
    const pids = new Set<number>();
    for (const client of clients) {
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      pids.add(rows[0].pid);
    }
    const viaPool = await transactions.run(tenantA, (s) => s.query<{ pid: number }>('select pg_backend_pid() as pid'));
    pids.add(viaPool[0].pid);
    expect(pids.size).toBe(1);
  });

  it("never hands a transaction's tenant or role to the next transaction on the connection", async () => {
    const [first, second] = clients;
    await first.query('begin');
    await first.query(`select set_config('role', 'openrathaus_app', true), set_config('app.tenant_id', $1, true)`, [
      tenantA,
    ]);
    await first.query(`insert into public.audit_log (tenant_id, action) values ($1, 'test.pooled')`, [tenantA]);
    const during = await first.query<{ pid: number }>('select pg_backend_pid() as pid');
    await first.query('commit');

    const after = await second.query<{ pid: number; tenant: string | null }>(
      `select pg_backend_pid() as pid, nullif(current_setting('app.tenant_id', true), '') as tenant`,
    );
    expect(after.rows[0]).toEqual({ pid: during.rows[0].pid, tenant: null });
    const seen = await second.query(`select count(*)::int as n from public.audit_log`);
    expect(seen.rows[0].n).toBe(0);
  });

  it('keeps tenants apart while 200 transactions of two tenants take turns on one connection', async () => {
    const runs = Array.from({ length: 200 }, (_, i) => {
      const tenant = i % 2 ? tenantA : tenantB;
      return transactions.run(tenant, async (s) => {
        await s.insert(AuditLogEntry, { action: 'test.turns', subject: `${tenant}:${i}` });
        const rows = await s.find(AuditLogEntry, { where: { action: 'test.turns' } });
        const [{ setting }] = await s.query(`select current_setting('app.tenant_id') as setting`);
        return { tenant, setting, subjects: rows.map((r) => r.subject ?? '') };
      });
    });
    for (const { tenant, setting, subjects } of await Promise.all(runs)) {
      expect(setting).toBe(tenant);
      for (const subject of subjects) expect(subject.startsWith(`${tenant}:`)).toBe(true);
    }
    const a = await transactions.run(tenantA, (s) => s.count(AuditLogEntry, { action: 'test.turns' }));
    const b = await transactions.run(tenantB, (s) => s.count(AuditLogEntry, { action: 'test.turns' }));
    expect([a, b]).toEqual([100, 100]);
  });

  it('leaves no named prepared statement on the server connection', async () => {
    await transactions.run(tenantA, (s) => s.find(AuditLogEntry, { where: { action: 'test.turns' }, take: 1 }));
    const { rows } = await clients[0].query(`select name from pg_prepared_statements`);
    expect(rows).toEqual([]);
  });
});
