import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { CoreError, CoreErrorCode } from '../errors/core.error';

export type Environment = 'production' | 'development' | 'test';

/** Settings read once from the environment at start. */
export interface AppConfig {
  env: Environment;
  port: number;
  host: string;
  /** PostgreSQL URL of the application role; undefined means the embedded PGlite. */
  databaseUrl?: string;
  /** PostgreSQL URL of the schema owner, used for migrations. */
  databaseOwnerUrl?: string;
  /** Redis URL; undefined means BullMQ's PostgreSQL backend and the database notification bus. */
  redisUrl?: string;
  /** Prefix of queue keys and notification channels; separates installations sharing a Redis. */
  queuePrefix: string;
  dataDir: string;
  embeddedDbPort: number;
  tenantsDir: string;
  trustProxy: boolean | string[];
  logLevel: string;
  runWorker: boolean;
  migrateOnStart: boolean;
  syncTenantsOnStart: boolean;
  devHosts: boolean;
  /** True when PostgreSQL is the in-process PGlite. */
  embedded: boolean;
  /** SMTP server for outgoing e-mail; undefined captures e-mail locally (development only). */
  smtpUrl?: string;
  /** Sender address of e-mails when the tenant names none. */
  mailFrom: string;
  /** Base URL of the XBezahldienste payment service; undefined means the built-in sandbox. */
  paymentUrl?: string;
  /** OpenID Connect provider for identity levels above `basic` (BundID, eID service). */
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  /** Where uploaded files and issued documents are kept (local disk strategy). */
  storageDir: string;
  /** Secret that signs tokens in e-mails (verification, password reset); a fixed development value outside production. */
  secret: string;
  /** A port of its own on which only `/metrics` answers, for scrapers inside the cluster; undefined: none. */
  metricsPort?: number;
  /** Bearer token that opens `/metrics` on the portal's own port; undefined: only the metrics port (or `localhost` in development). */
  metricsToken?: string;
  /** Limits that keep slow or many clients from taking the instance's memory and CPU. */
  limits: RequestLimits;
}

/** How much a client may take of one instance. */
export interface RequestLimits {
  /** Open connections per instance; the next one is closed at once. */
  maxConnections: number;
  /** The whole request, headers and body, must have arrived within this time. */
  requestTimeoutMs: number;
  /** The headers must have arrived within this time. */
  headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Password hashes computed at once; more wait in line. */
  hashConcurrency: number;
  /** Password checks waiting in line; beyond this, 503 with Retry-After. */
  hashQueue: number;
}

const bool = (name: string, value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value });
};

const int = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value });
  }
  return n;
};

const count = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value });
  }
  return n;
};

const url = (name: string, value: string | undefined, schemes: string[]): string | undefined => {
  if (value === undefined || value === '') return undefined;
  try {
    const parsed = new URL(value);
    if (schemes.includes(parsed.protocol)) return value;
  } catch {
    // reported below
  }
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value: '(not shown)' });
};

const trustProxy = (value: string | undefined): boolean | string[] => {
  if (value === undefined || value === '' || /^(0|false|no|off)$/i.test(value)) return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
};

const prefix = (value: string | undefined): string => {
  if (value === undefined || value === '') return 'openrathaus';
  if (/^[A-Za-z0-9_-]{1,40}$/.test(value)) return value;
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'QUEUE_PREFIX', value });
};

const token = (name: string, value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value.length >= 16) return value;
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value: '(not shown)' });
};

const secret = (value: string | undefined, production: boolean): string => {
  if (value && value.length >= 32) return value;
  if (production || value)
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'APP_SECRET', value: '(not shown)' });
  // Outside production a fixed secret keeps links in captured e-mails working across restarts.
  return 'openrathaus-development-secret-never-used-in-production';
};

/** Reads and checks the configuration; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const mode = (env.NODE_ENV ?? 'development') as Environment;
  if (!['production', 'development', 'test'].includes(mode)) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'NODE_ENV', value: mode });
  }
  const production = mode === 'production';
  const databaseUrl = url('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']);
  const redisUrl = url('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:']);
  const embedded = databaseUrl === undefined;
  if (production && embedded) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'DATABASE_URL', value: '' });
  }
  return {
    env: mode,
    port: int('PORT', env.PORT, 3000),
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl,
    databaseOwnerUrl: url('DATABASE_OWNER_URL', env.DATABASE_OWNER_URL, ['postgres:', 'postgresql:']) ?? databaseUrl,
    redisUrl,
    queuePrefix: prefix(env.QUEUE_PREFIX),
    dataDir: resolve(env.DATA_DIR ?? '.data'),
    embeddedDbPort: int('EMBEDDED_DB_PORT', env.EMBEDDED_DB_PORT, 54329),
    tenantsDir: resolve(env.TENANTS_DIR ?? 'tenants'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'warn' : 'info'),
    runWorker: bool('RUN_WORKER', env.RUN_WORKER, redisUrl === undefined),
    migrateOnStart: bool('MIGRATE_ON_START', env.MIGRATE_ON_START, embedded),
    syncTenantsOnStart: bool('SYNC_TENANTS_ON_START', env.SYNC_TENANTS_ON_START, embedded),
    devHosts: bool('DEV_HOSTS', env.DEV_HOSTS, !production),
    embedded,
    smtpUrl: url('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM ?? 'serviceportal@openrathaus.localhost',
    paymentUrl: url('PAYMENT_URL', env.PAYMENT_URL, ['http:', 'https:']),
    oidcIssuer: url('OIDC_ISSUER', env.OIDC_ISSUER, ['http:', 'https:']),
    oidcClientId: env.OIDC_CLIENT_ID || undefined,
    oidcClientSecret: env.OIDC_CLIENT_SECRET || undefined,
    storageDir: resolve(env.STORAGE_DIR ?? resolve(env.DATA_DIR ?? '.data', 'files')),
    secret: secret(env.APP_SECRET, production),
    metricsPort: env.METRICS_PORT ? count('METRICS_PORT', env.METRICS_PORT, 0, 0, 65535) : undefined,
    metricsToken: token('METRICS_TOKEN', env.METRICS_TOKEN),
    limits: {
      maxConnections: count('MAX_CONNECTIONS', env.MAX_CONNECTIONS, 1024, 16, 1_000_000),
      requestTimeoutMs: count('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 60_000, 1000, 3_600_000),
      headersTimeoutMs: count('HEADERS_TIMEOUT_MS', env.HEADERS_TIMEOUT_MS, 10_000, 500, 600_000),
      keepAliveTimeoutMs: count('KEEP_ALIVE_TIMEOUT_MS', env.KEEP_ALIVE_TIMEOUT_MS, 65_000, 1000, 600_000),
      hashConcurrency: count(
        'PASSWORD_HASH_CONCURRENCY',
        env.PASSWORD_HASH_CONCURRENCY,
        availableParallelism(),
        1,
        256,
      ),
      hashQueue: count('PASSWORD_HASH_QUEUE', env.PASSWORD_HASH_QUEUE, 200, 0, 100_000),
    },
  };
}

/** Injection token of the {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
