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
  });

  it('uses PostgreSQL and Redis from the environment and then runs no worker in the portal', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db/openrathaus',
      DATABASE_OWNER_URL: 'postgres://owner@db/openrathaus',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
    });
    expect(config).toMatchObject({ embedded: false, runWorker: false, migrateOnStart: false });
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
  ])('names the variable of a bad value: %p', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`Invalid configuration: ${name}=`));
  });

  it('does not answer on development hosts in production', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c', APP_SECRET: 'x'.repeat(32) }).devHosts,
    ).toBe(false);
  });
});
