import { Client } from 'pg';
import { CONSOLE_ROLE } from '@openrathaus/database';
import { TestDatabase, createTestDatabase } from '@openrathaus/testing';

/**
 * The operator console's database role: the application connection may take it inside a
 * transaction, and then it may write tenants, their domains, operator accounts and the audit
 * log, and nothing else; it reads across tenants only where a policy says so. Without taking it,
 * the application role keeps none of its rights.
 */
let db: TestDatabase;
let owner: Client;
let app: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new Client({ connectionString: db.ownerUrl });
  app = new Client({ connectionString: db.appUrl });
  await owner.connect();
  await app.connect();
  await owner.query(
    `insert into public.tenants (slug, kind, name, status) values ('a', 'municipality', 'A', 'live'), ('b', 'municipality', 'B', 'live')`,
  );
});

afterAll(async () => {
  await app?.end();
  await owner?.end();
  await db?.drop();
});

/** Runs `sql` as the console's role in a transaction that is rolled back; answers the error code, if any. */
async function asConsole(sql: string, params: unknown[] = []): Promise<{ code?: string; rows: unknown[] }> {
  await app.query('begin');
  try {
    await app.query(`select set_config('role', $1, true), set_config('app.tenant_id', '', true)`, [CONSOLE_ROLE]);
    const { rows } = await app.query(sql, params);
    return { rows };
  } catch (error) {
    return { code: (error as { code?: string }).code, rows: [] };
  } finally {
    await app.query('rollback');
  }
}

const tenantId = async (slug: string) =>
  (await owner.query<{ id: string }>(`select id from public.tenants where slug = $1`, [slug])).rows[0].id;

describe("the console's database role", () => {
  it('is no superuser, bypasses no row-level security, cannot log in, and its rights are not inherited', async () => {
    const { rows } = await owner.query(
      `select rolsuper, rolbypassrls, rolcanlogin, rolinherit from pg_roles where rolname = $1`,
      [CONSOLE_ROLE],
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false, rolinherit: false });
    const app = await owner.query(`select rolinherit from pg_roles where rolname = 'openrathaus_app'`);
    expect(app.rows[0].rolinherit).toBe(false);
  });

  it('writes tenants and their domains', async () => {
    const inserted = await asConsole(
      `with t as (insert into public.tenants (slug, kind, name, status, source) values ('neu', 'municipality', 'Neu', 'live', 'console') returning id)
       insert into public.tenant_domains (domain, tenant_id) select 'neu.example', id from t returning domain`,
    );
    expect(inserted.code).toBeUndefined();
    expect((await asConsole(`update public.tenants set suspended_at = now() where slug = 'a'`)).code).toBeUndefined();
  });

  it.each([
    [
      'applications',
      `insert into public.applications (tenant_id, definition_id, status) values ($1, gen_random_uuid(), 'draft')`,
    ],
    ['staff_accounts', `update public.staff_accounts set role = 'tenant-admin' where tenant_id = $1`],
    ['tenant_services', `delete from public.tenant_services where tenant_id = $1`],
    ['citizen_accounts', `delete from public.citizen_accounts where tenant_id = $1`],
    ['outbox', `insert into public.outbox (tenant_id, queue, name) values ($1, 'q', 'n')`],
    ['tenant_error_counts', `insert into public.tenant_error_counts (tenant_id, hour) values ($1, now())`],
    ['audit_log (no rewriting)', `update public.audit_log set action = 'x' where tenant_id = $1`],
  ])('cannot write %s', async (_table, sql) => {
    const result = await asConsole(sql, [await tenantId('a')]);
    expect(result.code).toBe('42501'); // insufficient_privilege
  });

  it('reads across tenants only what its policies open', async () => {
    await owner.query(
      `insert into public.tenant_error_counts (tenant_id, hour, count) values ($1, date_trunc('hour', now()), 2), ($2, date_trunc('hour', now()), 3)`,
      [await tenantId('a'), await tenantId('b')],
    );
    const counts = await asConsole(`select tenant_id from public.tenant_error_counts`);
    expect(counts.rows).toHaveLength(2);
    // No policy for the console on citizens' accounts or on answers' attachments: not even a read.
    expect((await asConsole(`select 1 from public.citizen_accounts`)).code).toBe('42501');
    expect((await asConsole(`select 1 from public.attachments`)).code).toBe('42501');
    expect((await asConsole(`select 1 from public.staff_accounts`)).code).toBe('42501');
  });

  it('is nothing to the application role that has not taken it', async () => {
    const write = await app
      .query(`insert into public.tenants (slug, kind, name, status) values ('x', 'municipality', 'X', 'live')`)
      .then(() => undefined)
      .catch((e: { code?: string }) => e.code);
    expect(write).toBe('42501');
    const operators = await app
      .query(`select 1 from public.operator_accounts`)
      .then(() => undefined)
      .catch((e: { code?: string }) => e.code);
    expect(operators).toBe('42501');
    // Without a tenant the application role sees no tenant's error counts.
    await app.query('begin');
    await app.query(`select set_config('app.tenant_id', '', true)`);
    const { rows } = await app.query(`select 1 from public.tenant_error_counts`);
    await app.query('rollback');
    expect(rows).toHaveLength(0);
  });
});
