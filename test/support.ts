import { AppConfig, loadConfig } from '@openrathaus/core';
import { JobQueues } from '@openrathaus/jobs';
import { TestDatabase, createTestDatabase, testConfig } from '@openrathaus/testing';
import { runCli } from '../apps/cli/src/commands';
import { RunningPortal, startPortal } from '../apps/portal/src/portal';

export interface TestPortal extends RunningPortal {
  db: TestDatabase;
  port: number;
  stop(): Promise<void>;
}

/** A portal on a fresh database of its own, with the demo tenants synced. */
export async function startTestPortal(overrides: Partial<AppConfig> = {}): Promise<TestPortal> {
  const db = await createTestDatabase();
  const portal = await startPortal(testConfig(db, overrides));
  return {
    ...portal,
    db,
    port: portal.config.port,
    async stop() {
      await portal.close();
      await db.drop();
    },
  };
}

/** Waits until `check` holds, polling; for effects of background work. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 15000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a queue has nothing waiting, delayed or running: every job that was enqueued has run.
 * What a test then checks did not happen cannot still happen.
 */
export async function queueSettled(queues: JobQueues, name: string, ms = 15000): Promise<void> {
  await eventually(async () => {
    const counts = await queues.queue(name).getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return Object.values(counts).every((n) => n === 0);
  }, ms);
}

export const DEMO_SLUGS = [
  'emscher-lippe',
  'gelsenkirchen',
  'bottrop',
  'kreis-recklinghausen',
  'castrop-rauxel',
  'datteln',
  'dorsten',
  'gladbeck',
  'haltern-am-see',
  'herten',
  'marl',
  'oer-erkenschwick',
  'recklinghausen',
  'waltrop',
  'duisburg',
  'dortmund',
  'dueren',
];

/** Runs the command line in this process, configured as `npm run cli` would be, and collects what it prints. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ ...process.env, ...env }, { LOG_LEVEL: 'warn' });
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, config);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The environment that points the command line at a test portal's database and queues. */
export const cliEnv = (portal: TestPortal): NodeJS.ProcessEnv => ({
  DATABASE_URL: portal.db.appUrl,
  DATABASE_OWNER_URL: portal.db.ownerUrl,
  REDIS_URL: portal.config.redisUrl,
  QUEUE_PREFIX: portal.config.queuePrefix,
});

/**
 * The environment for a program a test starts that brings its own services (the fault harness):
 * where the system's tools are, and nothing else, so that no setting of the shared services leaks in.
 */
export const bareEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME });
