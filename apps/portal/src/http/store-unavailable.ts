/** PostgreSQL codes of a database that is restarting or unreachable: class 08, shutdown, no connections left. */
const POSTGRES_CODES = /^(08...|57P01|57P02|57P03|53300)$/;
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** What TypeORM throws at a query whose connection the pool dropped under it (the server went away). */
const RELEASED = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
/** What `pg` and ioredis say when their connection went away, without a code. */
const MESSAGES =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection is closed|connection is not open/i;

/**
 * True when a request failed because PostgreSQL or Redis is away for a moment (restarting, failing
 * over, out of connections): a 503 the client may try again, not a fault of the server's code.
 * Looks at the error, what TypeORM wraps (`driverError`) and the cause.
 */
export function storeUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const e = error as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && RELEASED.has(e.name)) return true;
  if (typeof e.code === 'string' && (POSTGRES_CODES.test(e.code) || NODE_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return storeUnavailable(e.driverError, depth + 1) || storeUnavailable(e.cause, depth + 1);
}
