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

async function asAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const ownerUrlOf = (name: string): string =>
  withUser(TEST_PG_ADMIN_URL, new URL(TEST_PG_ADMIN_URL).username || 'postgres', name);

/** The variable through which a Jest global setup hands the migrated template to the test files. */
export const TEMPLATE_DATABASE_VARIABLE = 'TEST_TEMPLATE_DATABASE';

/**
 * A database migrated once, from which each test file's database is copied (`create database …
 * template …`): a copy takes a fraction of the time the migrations take. Made by the global setup
 * of the Jest projects that use PostgreSQL, dropped by their global teardown.
 */
export async function createTemplateDatabase(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `or_test_template_${randomBytes(5).toString('hex')}`;
  await asAdmin((admin) => admin.query(`create database ${name}`));
  await runMigrations(ownerUrlOf(name), MIGRATIONS);
  return { name, drop: () => dropTestDatabase(name) };
}

/** Drops a database of the tests, whoever is still connected. */
export async function dropTestDatabase(name: string): Promise<void> {
  await asAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
}

/**
 * A fresh database of its own for one test file, migrated (a copy of the global setup's template,
 * or migrated here when there is none); dropped afterwards.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `or_test_${randomBytes(5).toString('hex')}`;
  const template = options.migrate !== false ? TEST_SETTINGS.templateDatabase : undefined;
  if (template && !/^or_test_template_[0-9a-f]{10}$/.test(template)) {
    throw new Error(`${TEMPLATE_DATABASE_VARIABLE}: not a template database of the tests: ${template}`);
  }
  await asAdmin((admin) => admin.query(`create database ${name}${template ? ` template ${template}` : ''}`));
  const ownerUrl = ownerUrlOf(name);
  if (options.migrate !== false && !template) await runMigrations(ownerUrl, MIGRATIONS);
  return {
    name,
    ownerUrl,
    appUrl: withUser(TEST_PG_ADMIN_URL, 'openrathaus_app', name),
    drop: () => dropTestDatabase(name),
  };
}
