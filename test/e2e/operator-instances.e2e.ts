/**
 * The operator console across instances: two portal processes and one worker, the compiled apps
 * as `npm start` and `npm run start:worker` run them, against the same PostgreSQL and Redis. What
 * an operator does through the first instance holds on the second.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@openrathaus/core';
import { TEST_REDIS_URL, TestDatabase, TestResponse, createTestDatabase, get, send } from '@openrathaus/testing';
import { bareEnv, eventually } from '../support';
import { registerCitizen } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';
import { OPERATOR_HOST, OperatorLogin, operatorSession } from '../support-operator';

const ROOT = projectRoot();
const json = (r: TestResponse): any => JSON.parse(r.body); // eslint-disable-line @typescript-eslint/no-explicit-any

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts a compiled app and waits for its ready line; its output is kept for a failure's message. */
function startApp(
  main: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  started: ChildProcess[],
): Promise<{ child: ChildProcess; log: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './tools/register-paths.cjs', main], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Known at once, so that the clean-up ends it even when it never gets ready.
    started.push(child);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      if (ready.test(output)) resolve({ child, log: () => output });
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${main} exited (${code}) before it was ready:\n${output}`)));
  });
}

describe('the operator console across two portal instances and a worker', () => {
  let db: TestDatabase;
  let smtp: TestSmtp;
  let env: NodeJS.ProcessEnv;
  const apps: ChildProcess[] = [];
  let a: number;
  let b: number;
  let operator: OperatorLogin;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
    db = await createTestDatabase();
    smtp = await startSmtp();
    [a, b] = [await freePort(), await freePort()];
    env = {
      ...bareEnv(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.ownerUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `or-instances-${process.pid}`,
      SMTP_URL: smtp.url,
      MIGRATE_ON_START: 'false',
      RUN_WORKER: 'false',
      DEV_HOSTS: 'true',
    };
    const portal = join('dist', 'apps', 'portal', 'src', 'main.js');
    await startApp(portal, { ...env, PORT: String(a), SYNC_TENANTS_ON_START: 'true' }, /^Ready\.$/m, apps);
    await startApp(portal, { ...env, PORT: String(b), SYNC_TENANTS_ON_START: 'false' }, /^Ready\.$/m, apps);
    // The worker says it runs in its log, at level info.
    await startApp(
      join('dist', 'apps', 'worker', 'src', 'main.js'),
      { ...env, LOG_LEVEL: 'info' },
      /worker running/,
      apps,
    );
    operator = await operatorSession({ port: a }, env, 'betrieb@gkd-el.de');
  }, 600_000);

  afterAll(async () => {
    await Promise.all(
      apps.map(async (child) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await smtp?.close();
    await db?.drop();
  });

  const op = (port: number, method: string, path: string, body?: unknown) =>
    send(port, method, path, OPERATOR_HOST, body, { cookie: operator.cookie });

  it('serves a tenant onboarded through the first instance on the second within a minute', async () => {
    const created = await op(a, 'POST', '/api/v1/operator/tenants', {
      slug: 'zweistadt',
      name: 'Stadt Zweistadt',
      ags: '05562096',
      region: 'emscher-lippe',
      domains: ['serviceportal.zweistadt.de'],
      adminEmail: 'admin@zweistadt.de',
    });
    expect(created.status).toBe(201);
    const served = await eventually(async () => {
      const r = await get(b, '/api/v1/services', 'zweistadt.localhost');
      return r.status === 200 && (JSON.parse(r.body) as unknown[]).length >= 40 && r;
    }, 60_000);
    expect((JSON.parse(served.body) as unknown[]).length).toBeGreaterThanOrEqual(40);
    expect((await get(b, '/', 'serviceportal.zweistadt.de')).status).toBe(200);
  });

  it('suspends a tenant on both instances and resumes it', async () => {
    const message = 'Umstellung der Fachverfahren, ab 18 Uhr wieder erreichbar.';
    expect((await op(a, 'POST', '/api/v1/operator/tenants/gladbeck/suspend', { message })).status).toBe(204);
    for (const port of [a, b]) {
      const page = await eventually(async () => {
        const r = await get(port, '/', 'gladbeck.localhost', { accept: 'text/html' });
        return r.status === 503 && r;
      }, 60_000);
      expect(page.body).toContain(message);
    }
    expect((await op(b, 'POST', '/api/v1/operator/tenants/gladbeck/resume')).status).toBe(204);
    for (const port of [a, b]) {
      await eventually(async () => (await get(port, '/', 'gladbeck.localhost')).status === 200, 60_000);
    }
  });

  it("keeps a citizen's session on both instances", async () => {
    const citizen = await registerCitizen({ port: a }, smtp, 'gelsenkirchen.localhost', 'pendlerin@example.org');
    for (const port of [a, b]) {
      const me = await get(port, '/api/v1/auth/me', 'gelsenkirchen.localhost', { cookie: citizen.cookie });
      expect(me.status).toBe(200);
      expect(json(me).email).toBe('pendlerin@example.org');
    }
  });

  it('counts an error provoked on a tenant in its errors24h, whichever instance answered', async () => {
    const before = (json(await op(a, 'GET', '/api/v1/operator/tenants')) as { slug: string; errors24h: number }[]).find(
      (t) => t.slug === 'herten',
    )!.errors24h;
    // The search reads the service table on every request: without the right to read it, it fails.
    const owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    try {
      await owner.query('revoke select on public.tenant_services from openrathaus_app');
      const failed = await get(b, '/api/v1/services?q=hund', 'herten.localhost');
      expect(failed.status).toBe(500);
    } finally {
      await owner.query('grant select on public.tenant_services to openrathaus_app');
      await owner.end();
    }
    await eventually(async () => {
      const list = json(await op(a, 'GET', '/api/v1/operator/tenants')) as { slug: string; errors24h: number }[];
      return list.find((t) => t.slug === 'herten')!.errors24h === before + 1;
    });
  });

  it('shows an instance that was killed as stale', async () => {
    const killed = apps[1];
    killed.removeAllListeners('exit');
    killed.kill('SIGKILL');
    const stale = await eventually(async () => {
      const report = json(await op(a, 'GET', '/api/v1/operator/instances')) as {
        instances: { pid: number; kind: string; stale: boolean }[];
      };
      return report.instances.find((i) => i.kind === 'portal' && i.pid === killed.pid && i.stale);
    }, 90_000);
    expect(stale).toBeDefined();
  });
});
