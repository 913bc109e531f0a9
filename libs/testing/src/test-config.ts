import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig, loadConfig, projectRoot } from '@openrathaus/core';
import { TEST_REDIS_URL, TestDatabase } from './test-database';
import { TEST_SETTINGS } from './test-settings';

/** Configuration for a portal or worker under test: real PostgreSQL, Redis, a port of its own. */
export function testConfig(db: TestDatabase, overrides: Partial<AppConfig> = {}): AppConfig {
  const base = loadConfig({ NODE_ENV: 'test' });
  return {
    ...base,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db.appUrl,
    databaseOwnerUrl: db.ownerUrl,
    redisUrl: TEST_REDIS_URL,
    queuePrefix: `or-test-${randomBytes(4).toString('hex')}`,
    tenantsDir: join(projectRoot(), 'tenants'),
    logLevel: TEST_SETTINGS.logLevel,
    runWorker: true,
    migrateOnStart: false,
    syncTenantsOnStart: true,
    devHosts: true,
    embedded: false,
    // Hand-offs are looked for often, and retried soon: tests wait for them.
    delivery: { ...base.delivery, pollMs: 200, retryBaseMs: 200, retryMaxMs: 1000 },
    // A test machine's event loop may lag under other work; shedding by delay is tested on its own.
    limits: { ...base.limits, maxEventLoopDelayMs: 0 },
    ...overrides,
  };
}
