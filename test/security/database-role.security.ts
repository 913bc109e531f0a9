import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@openrathaus/core';
import {
  APP_ROLE,
  checkDatabaseRole,
  inspectDatabaseRole,
  migrateQueueStore,
  roleProblems,
} from '@openrathaus/database';
import { TestDatabase, createTestDatabase, testConfig } from '@openrathaus/testing';
import { startPortal } from '../../apps/portal/src/portal';

/**
 * Tables with a `tenant_id` that have no row-level security on purpose (docs/architecture.md says why).
 * Anything else with a tenant id must be held by a policy.
 */
const TENANT_ID_WITHOUT_RLS = ['tenant_domains', 'captured_mails'];

let db: TestDatabase;
let owner: Client;
let app: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  // The queue store of the PostgreSQL backend, as `db migrate` lays it out without Redis.
  await migrateQueueStore(db.ownerUrl);
  owner = new Client({ connectionString: db.ownerUrl });
  app = new Client({ connectionString: db.appUrl });
  await owner.connect();
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  await owner?.end();
  await db?.drop();
});

interface TableRow {
  name: string;
  rls: boolean;
  forced: boolean;
  policies: number;
  owner: string;
  tenantId: boolean;
}

async function tables(): Promise<TableRow[]> {
  const { rows } = await owner.query<TableRow>(
    `select case when n.nspname = 'public' then c.relname else n.nspname || '.' || c.relname end as name,
            c.relrowsecurity as rls, c.relforcerowsecurity as forced,
            (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies,
            pg_get_userbyid(c.relowner) as owner,
            exists (select 1 from pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as "tenantId"
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'bullmq') and c.relkind in ('r', 'p')
      order by 1`,
  );
  return rows;
}

/** The first column of the table below "### Tables without row-level security" in docs/architecture.md. */
function documentedWithoutRls(): string[] {
  const doc = readFileSync(join(projectRoot(), 'docs', 'architecture.md'), 'utf8');
  const start = doc.indexOf('### Tables without row-level security');
  expect(start).toBeGreaterThan(-1);
  const section = doc.slice(start).split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]);
}

const documented = (name: string, listed: string[]): boolean =>
  listed.includes(name) || listed.some((l) => l.endsWith('.*') && name.startsWith(l.slice(0, -1)));

describe('row-level security holds every tenant-owned table', () => {
  it('every table with a tenant_id has RLS enabled and forced, and a policy', async () => {
    const faults = (await tables())
      .filter((t) => t.tenantId && !TENANT_ID_WITHOUT_RLS.includes(t.name))
      .filter((t) => !t.rls || !t.forced || t.policies < 1)
      .map((t) => `${t.name}: rls=${t.rls} forced=${t.forced} policies=${t.policies}`);
    expect(faults).toEqual([]);
  });

  it('the application role owns no table and is neither superuser nor BYPASSRLS', async () => {
    expect((await tables()).filter((t) => t.owner === APP_ROLE).map((t) => t.name)).toEqual([]);
    const inspection = await inspectDatabaseRole(db.appUrl);
    expect(inspection.role).toBe(APP_ROLE);
    expect(roleProblems(inspection)).toEqual([]);
  });

  it('every table without row-level security is listed, with its reason, in docs/architecture.md', async () => {
    const listed = documentedWithoutRls();
    const missing = (await tables()).filter((t) => !t.rls && !documented(t.name, listed)).map((t) => t.name);
    expect(missing).toEqual([]);
    // And the list names no table that has row-level security after all, or none at all.
    const all = await tables();
    const stale = listed.filter((l) => !l.endsWith('.*') && !all.some((t) => t.name === l && !t.rls));
    expect(stale).toEqual([]);
  });
});

describe('tenants and their domains are read-only for the application role', () => {
  const denied = async (sql: string, params: unknown[] = []) => {
    await expect(app.query(sql, params)).rejects.toMatchObject({ code: '42501' });
  };

  it('refuses insert, update and delete on tenants and tenant_domains', async () => {
    const { rows } = await owner.query<{ id: string }>(
      `insert into public.tenants (slug, kind, name, status) values ('rolecheck', 'municipality', 'Rolecheck', 'pilot')
       returning id`,
    );
    const id = rows[0].id;
    await owner.query(`insert into public.tenant_domains (domain, tenant_id) values ('rolecheck.example', $1)`, [id]);
    await denied(`insert into public.tenants (slug, kind, name, status) values ('x', 'municipality', 'X', 'live')`);
    await denied(`update public.tenants set slug = 'taken' where id = $1`, [id]);
    await denied(`update public.tenants set config = '{}', status = 'live' where id = $1`, [id]);
    await denied(`delete from public.tenants where id = $1`, [id]);
    await denied(`insert into public.tenant_domains (domain, tenant_id) values ('evil.example', $1)`, [id]);
    await denied(`update public.tenant_domains set tenant_id = $1`, [id]);
    await denied(`delete from public.tenant_domains where tenant_id = $1`, [id]);
    await denied(`truncate public.tenant_domains`);
    // What a catalogue change raises stays writable: the revision and the service-list hash.
    await app.query(`update public.tenants set revision = revision + 1, updated_at = now() where id = $1`, [id]);
    await app.query(`update public.tenants set services_state = 'x' where id = $1`, [id]);
    const after = await owner.query(`select slug, revision from public.tenants where id = $1`, [id]);
    expect(after.rows[0]).toEqual({ slug: 'rolecheck', revision: 2 });
  });

  it('uses the queue store without owning it', async () => {
    await app.query(`select count(*) from bullmq.job`);
    const inspection = await inspectDatabaseRole(db.appUrl);
    expect(inspection.owns).toEqual([]);
  });
});

describe('the role is checked at start', () => {
  it('a production start as superuser is refused, naming the role', async () => {
    const config = testConfig(db, {
      env: 'production',
      databaseUrl: db.ownerUrl,
      migrateOnStart: false,
      syncTenantsOnStart: false,
      runWorker: false,
    });
    await expect(startPortal(config)).rejects.toThrow(/"postgres".*is superuser/);
  });

  it('outside production a superuser only warns', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) } as unknown as Parameters<typeof checkDatabaseRole>[1];
    await checkDatabaseRole(testConfig(db, { env: 'development', databaseUrl: db.ownerUrl }), logger);
    expect(warnings).toEqual([expect.stringMatching(/"postgres".*is superuser/)]);
  });

  it('names BYPASSRLS and ownership', async () => {
    const role = `or_rolecheck_${db.name.slice(-10)}`;
    await owner.query(`create role ${role} login bypassrls`);
    try {
      await owner.query(`grant create on schema public to ${role}`);
      const url = new URL(db.ownerUrl);
      url.username = role;
      const own = new Client({ connectionString: url.toString() });
      await own.connect();
      await own.query(`create table public.rolecheck_owned (id int)`);
      await own.end();
      const problems = roleProblems(await inspectDatabaseRole(url.toString()));
      expect(problems).toEqual(['has BYPASSRLS', 'owns public.rolecheck_owned']);
      await expect(
        checkDatabaseRole(testConfig(db, { env: 'production', databaseUrl: url.toString() })),
      ).rejects.toThrow(new RegExp(`"${role}".*has BYPASSRLS, owns public.rolecheck_owned`));
    } finally {
      await owner.query(`drop table if exists public.rolecheck_owned`);
      await owner.query(`revoke create on schema public from ${role}`);
      await owner.query(`drop role ${role}`);
    }
  });
});
