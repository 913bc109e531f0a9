/**
 * Settings of the tests themselves, read from the environment in this one place (the platform's
 * own settings are in `loadConfig`). Each has a default that fits the development machines.
 */
export const TEST_SETTINGS = {
  /** The PostgreSQL server of the tests, as a superuser: it creates and drops their databases. */
  pgAdminUrl: process.env.TEST_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  /** The migrated database the Jest global setup made, copied for each test file (see `createTemplateDatabase`). */
  templateDatabase: process.env.TEST_TEMPLATE_DATABASE || undefined,
  /** Log level of portals under test (`silent` unless a failing test needs their logs). */
  logLevel: process.env.TEST_LOG_LEVEL || 'silent',
  /** The Chromium the browser tests drive. */
  chromiumPath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  /** Screenshots of every page the browser journey visits, into `test-results/`. */
  screenshots: process.env.SCREENSHOTS === '1',
  /** Property runs of the form fuzzing tests. */
  fuzzRuns: Number(process.env.FUZZ_RUNS || 60),
} as const;
