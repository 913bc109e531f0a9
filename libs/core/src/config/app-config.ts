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
  /** Files in S3-compatible object storage instead of below {@link storageDir}; undefined: local disk. */
  objectStorage?: ObjectStorageSettings;
  /** Secret that signs tokens in e-mails (verification, password reset); a fixed development value outside production. */
  secret: string;
  /** A port of its own on which only `/metrics` answers, for scrapers inside the cluster; undefined: none. */
  metricsPort?: number;
  /** Bearer token that opens `/metrics` on the portal's own port; undefined: only the metrics port (or `localhost` in development). */
  metricsToken?: string;
  /** Limits that keep slow or many clients from taking the instance's memory and CPU. */
  limits: RequestLimits;
  /** Settings of `libs/payments`. */
  payments: PaymentSettings;
  /** Settings of `libs/identity`. */
  identity: IdentitySettings;
  /** Settings of `libs/delivery`. */
  delivery: DeliverySettings;
  /** Settings of `libs/operations`. */
  operations: OperationsSettings;
}

/** The operator console (`libs/operations`). */
export interface OperationsSettings {
  /**
   * The host on which the console answers (lower case, without port); undefined: nowhere. Outside
   * production `operator.localhost` unless `OPERATOR_HOST` names another.
   */
  host?: string;
}

/** An S3-compatible object store for uploads and issued documents (`FILE_STORAGE=s3`). */
export interface ObjectStorageSettings {
  bucket: string;
  region: string;
  /** The store's URL when it is not AWS S3 (MinIO, Ceph, a cloud provider's S3 API). */
  endpoint?: string;
  /** Bucket in the path (`<endpoint>/<bucket>/<key>`) rather than the host name: what most S3-compatible stores need. */
  forcePathStyle: boolean;
  /** Without both, the AWS SDK's default credential chain (web identity, instance role, its own variables). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prefix of every key, for installations sharing a bucket. */
  prefix: string;
  /**
   * `when_supported`: the AWS SDK's default, a CRC checksum with every upload and checked on every
   * download. `when_required`: only where the operation demands one, for stores that do not know
   * these checksums yet.
   */
  checksums: 'when_supported' | 'when_required';
  /** Attempts of one request (the SDK retries throttling and network errors). */
  maxAttempts: number;
}

/** The hand-off of applications to the offices' software (`libs/delivery`). */
export interface DeliverySettings {
  /**
   * Secrets of webhook and FIT-Connect targets by `<TENANT>_<TARGET>` (from the variables
   * `DELIVERY_SECRET_<TENANT>_<TARGET>`); a webhook may have two while a secret is rotated.
   */
  secrets: Record<string, string[]>;
  /** Host names and addresses a target may have although they are loopback or private (production refuses them otherwise). */
  allowHosts: string[];
  /** How long one call to a target may take, answer included. */
  timeoutMs: number;
  /** The wait before the second attempt; it doubles with each attempt up to {@link retryMaxMs}. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this long without success a hand-off is parked as a dead letter. */
  giveUpMs: number;
  /** How often the worker looks for hand-offs that are due. */
  pollMs: number;
}

/** Sessions and logins of `libs/identity`. */
export interface IdentitySettings {
  /** A staff session ends after this long without a request (it also ends 8 hours after login). */
  staffIdleSeconds: number;
}

/** How the platform talks to the payment service (the base URL is {@link AppConfig.paymentUrl}). */
export interface PaymentSettings {
  /**
   * Whether the built-in sandbox answers: outside production unless `PAYMENT_SANDBOX=false`; in
   * production only with `PAYMENT_SANDBOX=true` (a staging system that must not move money).
   */
  sandbox: boolean;
  /** The XBezahldienste originatorId of this installation (the online service). */
  originatorId: string;
  /** How long one call to the payment service may take, body included. */
  timeoutMs: number;
}

/** How much a client may take of one instance. */
export interface RequestLimits {
  /** Open connections per instance; the next one is closed at once. */
  maxConnections: number;
  /** Requests in progress per instance; the next gets 503 with Retry-After. 0: no bound. */
  maxInFlight: number;
  /** How late the event loop may be before new requests get 503 with Retry-After. 0: no bound. */
  maxEventLoopDelayMs: number;
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

const hostName = (name: string, value: string | undefined): string | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const host = value.trim().toLowerCase();
  if (/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(host))
    return host;
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value });
};

const identifier = (name: string, value: string | undefined, fallback: string): string => {
  if (value === undefined || value === '') return fallback;
  // XBezahldienste puts the originatorId into its paths: letters, digits, `_` and `-`, at most 36.
  if (/^[A-Za-z0-9_-]{1,36}$/.test(value)) return value;
  throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: name, value });
};

const secret = (value: string | undefined, production: boolean): string => {
  if (value && value.length >= 32) return value;
  if (production || value)
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'APP_SECRET', value: '(not shown)' });
  // Outside production a fixed secret keeps links in captured e-mails working across restarts.
  return 'openrathaus-development-secret-never-used-in-production';
};

/** An environment variable the platform reads, with what it sets. */
export interface ConfigVariable {
  name: string;
  description: string;
}

/**
 * Every environment variable the platform reads: those of {@link loadConfig} and the one Node.js
 * reads. Tests hold the container manifests in `docker/` and the README's settings table to this
 * list, so that no manifest sets a variable nothing reads and no setting goes undocumented.
 */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'NODE_ENV', description: 'production, development (default) or test' },
  { name: 'PORT', description: 'HTTP port of the portal (default 3000)' },
  { name: 'HOST', description: 'address the portal listens on (default 0.0.0.0 in production, else 127.0.0.1)' },
  { name: 'DATABASE_URL', description: 'PostgreSQL as the application role; unset: the embedded PGlite' },
  { name: 'DATABASE_OWNER_URL', description: 'PostgreSQL as the schema owner: migrations and the tenant sync' },
  { name: 'REDIS_URL', description: 'Redis for queues, sessions and the notification bus; unset: PostgreSQL' },
  { name: 'QUEUE_PREFIX', description: 'prefix of queue keys and channels, for installations sharing a Redis' },
  { name: 'DATA_DIR', description: 'directory of the embedded database and, by default, of stored files' },
  { name: 'EMBEDDED_DB_PORT', description: 'loopback port on which the embedded database is served' },
  { name: 'TENANTS_DIR', description: 'the tenants/ folder the sync reads' },
  { name: 'TRUST_PROXY', description: 'addresses of the proxy whose X-Forwarded-* headers count' },
  { name: 'LOG_LEVEL', description: 'pino log level (default info)' },
  { name: 'RUN_WORKER', description: 'run the queue processors inside the portal' },
  { name: 'MIGRATE_ON_START', description: 'run migrations when the portal starts' },
  { name: 'SYNC_TENANTS_ON_START', description: 'sync tenants/ into the database when the portal starts' },
  { name: 'DEV_HOSTS', description: 'answer every tenant on <slug>.localhost as well' },
  { name: 'SMTP_URL', description: 'outgoing mail server; unset: mails are captured (development only)' },
  { name: 'MAIL_FROM', description: 'sender address when the tenant names none' },
  { name: 'PAYMENT_URL', description: 'base URL of the XBezahldienste payment service' },
  { name: 'PAYMENT_SANDBOX', description: 'the built-in payment sandbox; off in production unless true' },
  { name: 'PAYMENT_ORIGINATOR_ID', description: 'XBezahldienste originatorId of this installation' },
  { name: 'PAYMENT_TIMEOUT_MS', description: 'time one call to the payment service may take (default 10 s)' },
  { name: 'OIDC_ISSUER', description: 'OpenID Connect provider for identity levels above basic' },
  { name: 'OIDC_CLIENT_ID', description: 'client id at the OpenID Connect provider' },
  { name: 'OIDC_CLIENT_SECRET', description: 'client secret at the OpenID Connect provider' },
  { name: 'STORAGE_DIR', description: 'where uploads and issued documents are kept' },
  { name: 'FILE_STORAGE', description: 'disk (default, below STORAGE_DIR) or s3 (S3-compatible object storage)' },
  { name: 'S3_BUCKET', description: 'bucket of the files (FILE_STORAGE=s3)' },
  { name: 'S3_REGION', description: 'region of the bucket (default eu-central-1)' },
  { name: 'S3_ENDPOINT', description: 'URL of an S3-compatible store other than AWS' },
  {
    name: 'S3_FORCE_PATH_STYLE',
    description: 'bucket in the path, not the host name (default: true with S3_ENDPOINT)',
  },
  { name: 'S3_ACCESS_KEY_ID', description: "access key; unset: the AWS SDK's default credential chain" },
  { name: 'S3_SECRET_ACCESS_KEY', description: 'secret of the access key' },
  { name: 'S3_PREFIX', description: 'prefix of every object key, for installations sharing a bucket' },
  { name: 'S3_CHECKSUMS', description: 'when_supported (default) or when_required, for stores without CRC checksums' },
  { name: 'S3_MAX_ATTEMPTS', description: 'attempts of one object storage request (default 3)' },
  { name: 'APP_SECRET', description: 'signs tokens and seals signing keys; at least 32 characters' },
  { name: 'METRICS_PORT', description: 'a port of its own on which only /metrics answers' },
  { name: 'METRICS_TOKEN', description: 'bearer token that opens /metrics on the portal port' },
  { name: 'MAX_CONNECTIONS', description: 'open connections per instance' },
  { name: 'MAX_IN_FLIGHT', description: 'requests in progress per instance before 503 (0: no bound)' },
  {
    name: 'MAX_EVENT_LOOP_DELAY_MS',
    description: 'event loop delay before new requests get 503 (0: no bound; the default in embedded mode)',
  },
  { name: 'REQUEST_TIMEOUT_MS', description: 'time in which a whole request must have arrived' },
  { name: 'HEADERS_TIMEOUT_MS', description: 'time in which the headers must have arrived' },
  { name: 'KEEP_ALIVE_TIMEOUT_MS', description: 'idle time after which a kept-alive connection is closed' },
  { name: 'PASSWORD_HASH_CONCURRENCY', description: 'password hashes computed at once' },
  { name: 'PASSWORD_HASH_QUEUE', description: 'password checks waiting in line before 503' },
  { name: 'STAFF_IDLE_MINUTES', description: 'a staff session ends after this many minutes without a request' },
  { name: 'DELIVERY_SECRET_<TENANT>_<TARGET>', description: 'secret(s) of a delivery target, space-separated' },
  { name: 'DELIVERY_ALLOW_HOSTS', description: 'loopback or private hosts delivery targets may have in production' },
  { name: 'DELIVERY_TIMEOUT_MS', description: 'how long one call to a delivery target may take' },
  { name: 'DELIVERY_RETRY_BASE_MS', description: 'wait before the second attempt of a hand-off' },
  { name: 'DELIVERY_RETRY_MAX_MS', description: 'longest wait between attempts of a hand-off' },
  { name: 'DELIVERY_GIVE_UP_MINUTES', description: 'after this long a failing hand-off becomes a dead letter' },
  { name: 'DELIVERY_POLL_MS', description: 'how often the worker looks for due hand-offs' },
  {
    name: 'OPERATOR_HOST',
    description: 'host name of the operator console (default operator.localhost outside production)',
  },
  { name: 'NODE_OPTIONS', description: 'read by Node.js itself, e.g. the heap limit in the manifests' },
];

/**
 * Reads and checks the configuration; a bad value names its variable. `defaults` stand in for
 * variables the environment leaves unset (the command line is quieter than the portal).
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, defaults: NodeJS.ProcessEnv = {}): AppConfig {
  const env = { ...defaults, ...environment };
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
    objectStorage: objectStorage(env),
    secret: secret(env.APP_SECRET, production),
    metricsPort: env.METRICS_PORT ? count('METRICS_PORT', env.METRICS_PORT, 0, 0, 65535) : undefined,
    metricsToken: token('METRICS_TOKEN', env.METRICS_TOKEN),
    limits: {
      maxConnections: count('MAX_CONNECTIONS', env.MAX_CONNECTIONS, 1024, 16, 1_000_000),
      maxInFlight: count('MAX_IN_FLIGHT', env.MAX_IN_FLIGHT, 512, 0, 1_000_000),
      // Embedded, the database and the worker run on the portal's own thread: a late loop is their
      // work, not a flood, and refusing pages would turn away the only visitor.
      maxEventLoopDelayMs: count(
        'MAX_EVENT_LOOP_DELAY_MS',
        env.MAX_EVENT_LOOP_DELAY_MS,
        embedded ? 0 : 1000,
        0,
        600_000,
      ),
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
    payments: {
      sandbox: bool('PAYMENT_SANDBOX', env.PAYMENT_SANDBOX?.trim(), !production),
      originatorId: identifier('PAYMENT_ORIGINATOR_ID', env.PAYMENT_ORIGINATOR_ID?.trim(), 'openrathaus'),
      timeoutMs: count('PAYMENT_TIMEOUT_MS', env.PAYMENT_TIMEOUT_MS, 10_000, 1, 600_000),
    },
    delivery: {
      secrets: deliverySecrets(env),
      allowHosts: (env.DELIVERY_ALLOW_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      timeoutMs: count('DELIVERY_TIMEOUT_MS', env.DELIVERY_TIMEOUT_MS, 10_000, 100, 120_000),
      retryBaseMs: count('DELIVERY_RETRY_BASE_MS', env.DELIVERY_RETRY_BASE_MS, 30_000, 10, 3_600_000),
      retryMaxMs: count('DELIVERY_RETRY_MAX_MS', env.DELIVERY_RETRY_MAX_MS, 3_600_000, 10, 86_400_000),
      giveUpMs: count('DELIVERY_GIVE_UP_MINUTES', env.DELIVERY_GIVE_UP_MINUTES, 1440, 1, 43_200) * 60_000,
      pollMs: count('DELIVERY_POLL_MS', env.DELIVERY_POLL_MS, 2000, 50, 60_000),
    },
    operations: {
      host: hostName('OPERATOR_HOST', env.OPERATOR_HOST) ?? (production ? undefined : 'operator.localhost'),
    },
    identity: {
      staffIdleSeconds: count('STAFF_IDLE_MINUTES', env.STAFF_IDLE_MINUTES, 30, 1, 480) * 60,
    },
  };
}

/** The object store `FILE_STORAGE=s3` names, or undefined for the local disk. */
function objectStorage(env: NodeJS.ProcessEnv): ObjectStorageSettings | undefined {
  const kind = env.FILE_STORAGE?.trim() || 'disk';
  if (kind === 'disk') return undefined;
  if (kind !== 's3') throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'FILE_STORAGE', value: kind });
  const bucket = env.S3_BUCKET?.trim() ?? '';
  // S3's rules for bucket names: 3 to 63 lower-case letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'S3_BUCKET', value: bucket });
  }
  const region = env.S3_REGION?.trim() || 'eu-central-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'S3_REGION', value: region });
  }
  const endpoint = url('S3_ENDPOINT', env.S3_ENDPOINT?.trim(), ['http:', 'https:']);
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim() || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) {
    const field = accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID';
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field, value: '(not shown)' });
  }
  const prefix = (env.S3_PREFIX ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (prefix && !/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(prefix)) {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'S3_PREFIX', value: prefix });
  }
  const checksums = env.S3_CHECKSUMS?.trim().toLowerCase() || 'when_supported';
  if (checksums !== 'when_supported' && checksums !== 'when_required') {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, { field: 'S3_CHECKSUMS', value: checksums });
  }
  return {
    bucket,
    region,
    endpoint,
    forcePathStyle: bool('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE, endpoint !== undefined),
    accessKeyId,
    secretAccessKey,
    prefix,
    checksums,
    maxAttempts: count('S3_MAX_ATTEMPTS', env.S3_MAX_ATTEMPTS, 3, 1, 10),
  };
}

/** Every `DELIVERY_SECRET_<TENANT>_<TARGET>` variable, split at white space (new secret first while rotating). */
function deliverySecrets(env: NodeJS.ProcessEnv): Record<string, string[]> {
  const secrets: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('DELIVERY_SECRET_') || !value?.trim()) continue;
    secrets[name.slice('DELIVERY_SECRET_'.length)] = value.trim().split(/\s+/);
  }
  return secrets;
}

/** Injection token of the {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
