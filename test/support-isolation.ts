import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runInContext } from '@openrathaus/core';
import { AuditLogEntry, DATABASE_ENTITIES, TenantTransactions, createDataSource } from '@openrathaus/database';
import { TestDatabase, createTestDatabase } from '@openrathaus/testing';

/** Where the isolation cases connect as the application role. */
export interface IsolationSetup {
  appUrl(db: TestDatabase): Promise<string>;
  teardown?(): Promise<void>;
}

/**
 * Row-level security as the second wall, checked through the repository and through raw SQL. The
 * cases connect to `connect(db)` (PostgreSQL itself, or a pooler in front of it); every setting
 * they make is transaction-local, as the platform's own, so they hold behind PgBouncer's
 * transaction pooling too.
 */
export function describeTenantIsolation(title: string, setup: IsolationSetup): void {
  describe(title, () => {
    let db: TestDatabase;
    let dataSource: DataSource;
    let transactions: TenantTransactions;
    let tenantA: string;
    let tenantB: string;
    let app: Client;
    let appUrl: string;

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
      appUrl = await setup.appUrl(db);
      dataSource = await createDataSource({ url: appUrl, entities: DATABASE_ENTITIES, poolSize: 20 }).initialize();
      transactions = new TenantTransactions(dataSource);
      app = new Client({ connectionString: appUrl });
      await app.connect();
    });

    afterAll(async () => {
      await app.end();
      await dataSource.destroy();
      await setup.teardown?.();
      await db.drop();
    });

    it('connects as a role that is neither owner nor BYPASSRLS', async () => {
      const role = await app.query(
        `select current_user as name, r.rolsuper, r.rolbypassrls,
              (select tableowner from pg_tables where tablename = 'audit_log') as owner
         from pg_roles r where r.rolname = current_user`,
      );
      expect(role.rows[0]).toMatchObject({ name: 'openrathaus_app', rolsuper: false, rolbypassrls: false });
      expect(role.rows[0].owner).not.toBe('openrathaus_app');
      const rls = await app.query(
        `select relrowsecurity, relforcerowsecurity from pg_class where relname = 'audit_log'`,
      );
      expect(rls.rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    });

    it('hides tenant A rows from tenant B through the repository and through raw SQL', async () => {
      await transactions.run(tenantA, (s) => s.insert(AuditLogEntry, { action: 'test.secret', subject: 'of A' }));
      const seenByB = await transactions.run(tenantB, (s) =>
        s.find(AuditLogEntry, { where: { action: 'test.secret' } }),
      );
      expect(seenByB).toEqual([]);
      const seenByA = await transactions.run(tenantA, (s) =>
        s.find(AuditLogEntry, { where: { action: 'test.secret' } }),
      );
      expect(seenByA).toHaveLength(1);
      const raw = await transactions.run(tenantB, (s) => s.query(`select * from public.audit_log`));
      expect(raw).toEqual([]);

      await app.query('begin');
      await app.query(`select set_config('app.tenant_id', $1, true)`, [tenantB]);
      const direct = await app.query(`select count(*)::int as n from public.audit_log`);
      await app.query('commit');
      expect(direct.rows[0].n).toBe(0);
    });

    it('refuses to write a row for another tenant', async () => {
      await expect(
        transactions.run(tenantB, (s) =>
          s.query(`insert into public.audit_log (tenant_id, action) values ($1, 'x')`, [tenantA]),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('refuses raw SQL in a scope that would change its tenant or role', async () => {
      for (const sql of [
        `select set_config('app.tenant_id', $1, true)`,
        `SET LOCAL app.tenant_id = '00000000-0000-0000-0000-000000000000'`,
        'reset role',
        'set role postgres',
      ]) {
        await expect(
          transactions.run(tenantB, (s) => s.query(sql, sql.includes('$1') ? [tenantA] : [])),
        ).rejects.toThrow(/forbidden_statement/);
      }
    });

    it('shows nothing to a transaction without a tenant', async () => {
      const rows = await app.query(`select count(*)::int as n from public.audit_log`);
      expect(rows.rows[0].n).toBe(0);
      await expect(
        app.query(`insert into public.audit_log (tenant_id, action) values ($1, 'x')`, [tenantA]),
      ).rejects.toThrow(/row-level security/);
    });

    it('does not let the application role switch row-level security off', async () => {
      await expect(app.query(`alter table public.audit_log disable row level security`)).rejects.toThrow(/owner/);
      await expect(app.query(`alter table public.audit_log no force row level security`)).rejects.toThrow(/owner/);
      await app.query('begin');
      await app.query(`set local row_security = off`);
      await expect(app.query(`select * from public.audit_log`)).rejects.toThrow(/row-level security/);
      await app.query('rollback');
      await expect(app.query(`drop policy tenant_isolation on public.audit_log`)).rejects.toThrow(/owner/);
      await expect(app.query(`set role postgres`)).rejects.toThrow(/permission denied/);
    });

    it('keeps tenants apart under 50 concurrent transactions of mixed tenants', async () => {
      const runs = Array.from({ length: 50 }, (_, i) => {
        const tenant = i % 2 ? tenantA : tenantB;
        return transactions.run(tenant, async (s) => {
          await s.insert(AuditLogEntry, { action: 'test.concurrent', subject: `${tenant}:${i}` });
          await new Promise((r) => setTimeout(r, Math.random() * 20));
          const rows = await s.find(AuditLogEntry, { where: { action: 'test.concurrent' } });
          return { tenant, subjects: rows.map((r) => r.subject ?? '') };
        });
      });
      for (const { tenant, subjects } of await Promise.all(runs)) {
        expect(subjects.length).toBeGreaterThan(0);
        for (const subject of subjects) expect(subject.startsWith(`${tenant}:`)).toBe(true);
      }
      const a = await transactions.run(tenantA, (s) => s.count(AuditLogEntry, { action: 'test.concurrent' }));
      const b = await transactions.run(tenantB, (s) => s.count(AuditLogEntry, { action: 'test.concurrent' }));
      expect([a, b]).toEqual([25, 25]);
    });

    it('takes the tenant from the context, and refuses work without one', async () => {
      const count = await runInContext({ correlationId: 'c', tenantId: tenantA }, () =>
        transactions.inCurrentTenant((s) => s.count(AuditLogEntry)),
      );
      expect(count).toBeGreaterThan(0);
      expect(() => transactions.inCurrentTenant((s) => s.count(AuditLogEntry))).toThrow();
      expect(() => transactions.run('not-a-uuid', (s) => s.count(AuditLogEntry))).toThrow();
    });
  });
}
