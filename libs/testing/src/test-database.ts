import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@openrathaus/database';
import { MIGRATIONS } from '@openrathaus/migrations';

import { TEST_SETTINGS } from './test-settings';

/** The PostgreSQL server the tests use; trust auth on loopback, as on the development machines. */
export const TEST_PG_ADMIN_URL = TEST_SETTINGS.pgAdminUrl;
export const TEST_REDIS_URL = TEST_SETTINGS.redisUrl;

export interface TestDatabase {
  name: string;
  /** As the schema owner (migrations, checks from outside). */
  ownerUrl: string;
  /** As the application role: neither owner nor BYPASSRLS. */
  appUrl: string;
  drop(): Promise<void>;
}

const withUser = (url: string, user: string, database: string): string => {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  u.pathname = `/${database}`;
  return u.toString();
};

/** A fresh database of its own for one test file, migrated; dropped afterwards. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `or_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const ownerUrl = withUser(TEST_PG_ADMIN_URL, new URL(TEST_PG_ADMIN_URL).username || 'postgres', name);
  if (options.migrate !== false) await runMigrations(ownerUrl, MIGRATIONS);
  return {
    name,
    ownerUrl,
    appUrl: withUser(TEST_PG_ADMIN_URL, 'openrathaus_app', name),
    async drop() {
      const client = new Client({ connectionString: TEST_PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
