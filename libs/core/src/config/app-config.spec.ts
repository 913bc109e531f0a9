import { loadConfig } from './app-config';

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      embedded: true,
      runWorker: true,
      migrateOnStart: true,
      syncTenantsOnStart: true,
      devHosts: true,
      trustProxy: false,
    });
    // Database and worker share the portal's thread: its late loop is no flood to shed.
    expect(config.limits.maxEventLoopDelayMs).toBe(0);
    expect(loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '2000' }).limits.maxEventLoopDelayMs).toBe(2000);
  });

  it('uses PostgreSQL and Redis from the environment and then runs no worker in the portal', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db/openrathaus',
      DATABASE_OWNER_URL: 'postgres://owner@db/openrathaus',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
    });
    expect(config).toMatchObject({ embedded: false, runWorker: false, migrateOnStart: false });
    expect(config.limits.maxEventLoopDelayMs).toBe(1000);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '192.168.0.1']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'nonsense' }, 'REDIS_URL'],
    [{ RUN_WORKER: 'maybe' }, 'RUN_WORKER'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c' }, 'APP_SECRET'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ PAYMENT_SANDBOX: 'perhaps' }, 'PAYMENT_SANDBOX'],
    [{ PAYMENT_ORIGINATOR_ID: 'with spaces' }, 'PAYMENT_ORIGINATOR_ID'],
    [{ PAYMENT_TIMEOUT_MS: 'soon' }, 'PAYMENT_TIMEOUT_MS'],
    [{ PAYMENT_TIMEOUT_MS: '0' }, 'PAYMENT_TIMEOUT_MS'],
  ])('names the variable of a bad value: %p', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`Invalid configuration: ${name}=`));
  });

  it('reads the payment settings into their section', () => {
    expect(loadConfig({}).payments).toEqual({ sandbox: true, originatorId: 'openrathaus', timeoutMs: 10_000 });
    expect(
      loadConfig({ PAYMENT_SANDBOX: 'off', PAYMENT_ORIGINATOR_ID: ' stadt-42 ', PAYMENT_TIMEOUT_MS: '2500' }).payments,
    ).toEqual({ sandbox: false, originatorId: 'stadt-42', timeoutMs: 2500 });
  });

  it('has no payment sandbox in production unless PAYMENT_SANDBOX=true', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c', APP_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).payments.sandbox).toBe(false);
    expect(loadConfig({ ...production, PAYMENT_SANDBOX: 'true' }).payments.sandbox).toBe(true);
  });

  it('takes defaults only where the environment leaves a variable unset', () => {
    expect(loadConfig({}, { LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug' }, { LOG_LEVEL: 'warn' }).logLevel).toBe('debug');
  });

  it('does not answer on development hosts in production', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c', APP_SECRET: 'x'.repeat(32) }).devHosts,
    ).toBe(false);
  });
});
