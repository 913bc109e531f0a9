import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** Debian's PgBouncer, as `.ci/run` installs it. */
export const PGBOUNCER_BINARY = '/usr/sbin/pgbouncer';

export interface PgBouncer {
  port: number;
  /** The given PostgreSQL URL, pointed at PgBouncer instead. */
  url(target: string): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** Server connections per user and database: small, so that transactions share them. */
  poolSize?: number;
}

/**
 * Starts a PgBouncer of its own in transaction pooling mode, on a free port, in front of the
 * PostgreSQL server (and databases) of the given URLs. Its users log in without a password
 * (trust on loopback, as the test server does). PgBouncer refuses to run as root: as root it runs
 * as `nobody`.
 */
export async function startPgBouncer(targets: string[], options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'or-pgbouncer-'));
  chmodSync(dir, 0o755);
  const first = new URL(targets[0]);
  const databases = [...new Set(targets.map((t) => new URL(t).pathname.slice(1)))];
  const users = [...new Set(targets.map((t) => decodeURIComponent(new URL(t).username)))];
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o644);
    return path;
  };
  const authFile = write('users.txt', users.map((u) => `"${u}" ""\n`).join(''));
  const config = write(
    'pgbouncer.ini',
    [
      '[databases]',
      ...databases.map((db) => `${db} = host=${first.hostname} port=${first.port || 5432} dbname=${db}`),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      'auth_type = trust',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 2}`,
      'max_client_conn = 500',
      // Transaction pooling runs no reset query between clients: nothing may rely on one.
      'server_reset_query =',
      'ignore_startup_parameters = extra_float_digits,options',
      'admin_users =',
      '',
    ].join('\n'),
  );
  const asNobody = process.getuid?.() === 0 ? idsOf('nobody') : {};
  const child: ChildProcess = spawn(PGBOUNCER_BINARY, [config], { stdio: ['ignore', 'ignore', 'pipe'], ...asNobody });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('error', (error) => (output += String(error)));
  await waitForPort(
    port,
    () => child.exitCode !== null || child.signalCode !== null,
    () => output,
  );

  return {
    port,
    url(target: string): string {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idsOf(user: string): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function waitForPort(port: number, gone: () => boolean, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (gone()) throw new Error(`pgbouncer exited: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}: ${output()}`);
}
