import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@openrathaus/core';
import { AuditLogEntry, TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TEST_SETTINGS, get } from '@openrathaus/testing';
import { RunningPortal, startPortal } from '../../apps/portal/src/portal';
import { runCli } from '../../apps/cli/src/commands';
import { eventually } from '../support';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** `npm start` on a fresh machine: no DATABASE_URL, no REDIS_URL, nothing under .data yet. */
describe('embedded mode', () => {
  let dataDir: string;
  let portal: RunningPortal;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'or-embedded-'));
    env = {
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      TENANTS_DIR: join(__dirname, '..', '..', 'tenants'),
      LOG_LEVEL: TEST_SETTINGS.logLevel,
    };
    portal = await startPortal(loadConfig(env));
  }, 120_000);

  afterAll(async () => {
    await portal.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from nothing with PGlite and the PostgreSQL queue backend', async () => {
    expect(portal.config).toMatchObject({ embedded: true, runWorker: true, redisUrl: undefined });
    const health = await get(portal.config.port, '/health', 'localhost');
    expect(JSON.parse(health.body)).toMatchObject({
      status: 'ok',
      checks: { postgres: { status: 'up' }, queues: { status: 'up', kind: 'postgres' } },
    });
  });

  it('serves a tenant page', async () => {
    const page = await get(portal.config.port, '/', 'recklinghausen.localhost');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Stadt Recklinghausen');
  });

  it('runs a job: the start-up sync is applied by the in-process worker', async () => {
    const tenant = portal.app.get(TenantRegistry).get('dortmund');
    expect(tenant).toBeDefined();
    const entries = await eventually(async () => {
      const rows = await portal.app
        .get(TenantTransactions)
        .run(tenant!.id, (s) => s.find(AuditLogEntry, { where: { action: 'tenant.config_applied' } }));
      return rows.length ? rows : undefined;
    }, 30_000);
    expect(entries[0].subject).toBe('dortmund');
  });

  it('keeps 50 concurrent transactions of mixed tenants apart on the embedded database', async () => {
    const registry = portal.app.get(TenantRegistry);
    const transactions = portal.app.get(TenantTransactions);
    const ids = ['herten', 'marl', 'datteln'].map((slug) => registry.get(slug)!.id);
    const runs = Array.from({ length: 50 }, (_, i) =>
      transactions.run(ids[i % 3], async (s) => {
        await s.insert(AuditLogEntry, { action: 'test.embedded', subject: `${ids[i % 3]}:${i}` });
        const rows = await s.find(AuditLogEntry, { where: { action: 'test.embedded' } });
        return rows.every((r) => r.subject?.startsWith(ids[i % 3]));
      }),
    );
    expect(await Promise.all(runs)).toEqual(Array(50).fill(true));
  });

  it("lets the command line work on the running portal's database", async () => {
    const out: string[] = [];
    const code = await runCli(
      ['tenants', 'list'],
      { out: (l) => out.push(l), err: (l) => out.push(l) },
      loadConfig(env),
    );
    expect(code).toBe(0);
    const line = /^gelsenkirchen\tmunicipality\tlive\t(\d+)\tserviceportal\.gelsenkirchen\.de$/m.exec(out.join('\n'));
    // Every member city offers at least 30 services: its adoptions and the links to Land and Bund.
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(30);
  });
});
