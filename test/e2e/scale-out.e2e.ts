import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import S3rver from 's3rver';
import { DataSource } from 'typeorm';
import { AppConfig, FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { MailEntity, Mailer } from '@openrathaus/messaging';
import { TenantRegistry, TenantSync } from '@openrathaus/tenancy';
import {
  PgBouncer,
  RedisLink,
  TenantFolder,
  TestDatabase,
  copyDemoTenants,
  createTestDatabase,
  get,
  startPgBouncer,
  testConfig,
} from '@openrathaus/testing';
import { RunningPortal, startPortal } from '../../apps/portal/src/portal';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { eventually } from '../support';
import { TestSmtp, startSmtp } from '../support-mail';

/**
 * Two portals and two workers, as on two machines (the second portal's link to Redis can break): one PostgreSQL (reached through PgBouncer in
 * transaction pooling mode, as the application role), one Redis, one queue prefix, files in one
 * S3-compatible bucket (s3rver). Effects
 * announced through the outbox happen once, whichever portal wrote them and whichever worker took
 * them; a tenant changed through one instance is current on every portal.
 */
describe('two portals and two workers on one PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let bouncer: PgBouncer;
  let smtp: TestSmtp;
  let folder: TenantFolder;
  let s3dir: string;
  let s3rver: S3rver;
  const link = new RedisLink();
  const portals: RunningPortal[] = [];
  const workers: INestApplicationContext[] = [];
  let tenants: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await startPgBouncer([db.appUrl], { poolSize: 6 });
    smtp = await startSmtp();
    folder = copyDemoTenants();
    s3dir = mkdtempSync(join(tmpdir(), 'or-scale-s3-'));
    s3rver = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3dir,
      configureBuckets: [{ name: 'files' }],
    });
    const s3 = await s3rver.run();
    const shared: Partial<AppConfig> = {
      objectStorage: {
        bucket: 'files',
        region: 'eu-central-1',
        endpoint: `http://127.0.0.1:${s3.port}`,
        forcePathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        prefix: 'scale-out',
        // s3rver predates the AWS SDK's default CRC checksums.
        checksums: 'when_required',
        maxAttempts: 3,
      },
      databaseUrl: bouncer.url(db.appUrl),
      queuePrefix: `or-test-scale-${randomBytes(4).toString('hex')}`,
      tenantsDir: folder.dir,
      smtpUrl: smtp.url,
      runWorker: false,
    };
    // The first portal syncs the tenants (a release's migrate step); the second finds them.
    portals.push(await startPortal(testConfig(db, { ...shared, syncTenantsOnStart: true })));
    // The second reaches Redis through a link that a test cuts.
    const redisUrl = await link.start();
    portals.push(await startPortal(testConfig(db, { ...shared, syncTenantsOnStart: false, redisUrl })));
    for (let i = 0; i < 2; i++) {
      const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(testConfig(db, shared)), {
        logger: false,
      });
      await worker.init();
      workers.push(worker);
    }
    const rows = await portals[0].app
      .get(DataSource)
      .query<{ id: string; slug: string }[]>(`select id, slug from public.tenants`);
    tenants = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
  });

  afterAll(async () => {
    for (const app of [...portals, ...workers]) await app.close();
    await smtp?.close();
    await bouncer?.stop();
    await db?.drop();
    await s3rver?.close();
    await link.stop();
    rmSync(s3dir, { recursive: true, force: true });
    folder?.remove();
  });

  const ownerQuery = async <R>(sql: string, params: unknown[] = []): Promise<R[]> => {
    const client = new Client({ connectionString: db.ownerUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as R[];
    } finally {
      await client.end();
    }
  };

  it('sends each of 60 mails announced through both portals exactly once', async () => {
    const ge = tenants.gelsenkirchen;
    const bo = tenants.bottrop;
    const run = randomBytes(3).toString('hex');
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const portal = portals[i % 2].app;
        const tenant = i % 3 ? ge : bo;
        return portal.get(TenantTransactions).run(tenant, (s) =>
          portal.get(Mailer).queue(s, {
            to: `n${i}-${run}@example.org`,
            locale: 'de',
            template: 'password-reset',
            data: { name: 'A' },
          }),
        );
      }),
    );
    const mine = () => smtp.received.filter((m) => m.to.some((to) => to.endsWith(`-${run}@example.org`)));
    await eventually(async () => {
      const sent = await ownerQuery<{ n: number }>(
        `select count(*)::int as n from public.mails where id = any($1) and status = 'sent'`,
        [ids],
      );
      return sent[0].n === 60 && mine().length >= 60;
    }, 30_000);
    const addresses = mine().flatMap((m) => m.to);
    expect(addresses).toHaveLength(60);
    expect(new Set(addresses).size).toBe(60);
    const rows = await ownerQuery<MailEntity>(`select status, attempts from public.mails where id = any($1)`, [ids]);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('reads on every instance the files another wrote, from the bucket', async () => {
    const bytes = randomBytes(50_000);
    const key = `${tenants.gelsenkirchen}/attachments/${randomBytes(8).toString('hex')}`;
    await portals[0].app.get<FileStorage>(FILE_STORAGE).put(key, bytes);
    for (const app of [portals[1].app, ...workers]) {
      expect((await app.get<FileStorage>(FILE_STORAGE).get(key))?.equals(bytes)).toBe(true);
    }
    await workers[1].get<FileStorage>(FILE_STORAGE).delete(key);
    expect(await portals[0].app.get<FileStorage>(FILE_STORAGE).get(key)).toBeUndefined();
  });

  it('gives each worker every tenant before its first job, the region of a member included', () => {
    for (const worker of workers) {
      const registry = worker.get(TenantRegistry);
      // A member's citizens have their accounts in the region's realm: a notify step looks it up.
      expect(registry.get('gelsenkirchen')?.regionSlug).toBe('emscher-lippe');
      expect(registry.get('emscher-lippe')?.kind).toBe('region');
    }
  });

  it('shows a tenant changed through one instance on both portals and both workers', async () => {
    const slug = 'gelsenkirchen';
    const file = join(folder.dir, slug, 'tenant.yaml');
    const renamed = `Stadt Gelsenkirchen ${randomBytes(3).toString('hex')}`;
    for (const portal of portals) {
      const before = await get(portal.config.port, '/', `${slug}.localhost`);
      expect(before.body).not.toContain(renamed);
    }
    folder.write(slug, readFileSync(file, 'utf8').replace(/^name: .*$/m, `name: "${renamed}"`));
    await portals[0].app.get(TenantSync).sync(folder.dir);
    for (const portal of portals) {
      await eventually(async () => {
        const page = await get(portal.config.port, '/', `${slug}.localhost`);
        return page.status === 200 && page.body.includes(renamed);
      }, 30_000);
    }
    for (const worker of workers) {
      await eventually(() => Promise.resolve(worker.get(TenantRegistry).get(slug)?.name === renamed), 30_000);
    }
    // The change is recorded once, although two workers could take its job.
    const applied = await ownerQuery<{ n: number }>(
      `select count(*)::int as n from public.audit_log where tenant_id = $1 and action = 'tenant.config_applied'
         and data->>'revision' = (select revision::text from public.tenants where id = $1)`,
      [tenants[slug]],
    );
    expect(applied[0].n).toBe(1);
  });

  it('brings a portal that lost Redis for a while up to date with the tenants changed meanwhile', async () => {
    const slug = 'bottrop';
    const file = join(folder.dir, slug, 'tenant.yaml');
    const renamed = `Stadt Bottrop ${randomBytes(3).toString('hex')}`;
    const shows = async (portal: RunningPortal) => {
      const page = await get(portal.config.port, '/', `${slug}.localhost`);
      expect(page.status).toBe(200);
      return page.body.includes(renamed);
    };
    expect(await shows(portals[1])).toBe(false);
    link.cut();
    folder.write(slug, readFileSync(file, 'utf8').replace(/^name: .*$/m, `name: "${renamed}"`));
    await portals[0].app.get(TenantSync).sync(folder.dir);
    await eventually(() => shows(portals[0]), 30_000);
    // The change was announced while the second portal could not hear it.
    expect(await shows(portals[1])).toBe(false);
    link.restore();
    await eventually(() => shows(portals[1]), 30_000);
  });
});
