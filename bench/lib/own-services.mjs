/**
 * Services of a harness's own, so that stopping and restarting them disturbs nothing else on the
 * machine: a PostgreSQL cluster in a temporary directory (Debian's `initdb` and `pg_ctl`, trust
 * authentication, run as the `postgres` user when this process is root), a `redis-server` without
 * persistence, and free ports on 127.0.0.1 for them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest PostgreSQL's binaries that Debian installs side by side (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBin() {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((d) => existsSync(join(base, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length) throw new Error(`no PostgreSQL server binaries in ${base}/*/bin (initdb, pg_ctl)`);
  return join(base, majors[0], 'bin');
}

/** Runs a PostgreSQL tool, as `postgres` when this process is root (the server refuses to run as root). */
function pgTool(bin, tool, args, { asRoot }) {
  const command = asRoot ? 'runuser' : join(bin, tool);
  const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
  return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000 });
}

/**
 * A PostgreSQL cluster of its own in `dir` (created), listening on 127.0.0.1:`port` only, with its
 * socket in the same directory. Tuned for a throw-away cluster (no fsync): a fast restart is a
 * clean shutdown, so nothing committed is lost by it.
 * @param {string} dir
 */
export async function startPostgres(dir) {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  const port = await freePort();
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  pgTool(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], { asRoot });
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const log = join(dir, 'postgres.log');
  const ctl = (...args) => pgTool(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', ...args], { asRoot });
  ctl('-o', options, 'start');
  const url = (user, database = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    log,
    /** A fast restart (`pg_ctl restart -m fast`): clients are cut off, committed work stays. */
    restart: () => ctl('-m', 'fast', 'restart'),
    stop: () => {
      try {
        ctl('-m', 'immediate', 'stop');
      } catch {
        // Already down.
      }
    },
    logTail: () => tail(log),
  };
}

/**
 * A `redis-server` of its own on a free port, without persistence: a restart starts it empty, as a
 * Redis that lost its memory. `restart()` kills it (SIGKILL) and starts it again on the same port.
 * @param {string} dir
 */
export async function startRedis(dir) {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'redis.log');
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  const launch = async () => {
    const out = openSync(log, 'a');
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', out, out] },
    );
    child.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      if (await redisPing(port)) return;
      await sleep(100);
    }
    throw new Error(`redis-server did not answer on port ${port} (see ${log})`);
  };
  const kill = async () => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: kill,
    logTail: () => tail(log),
  };
}

/** True when Redis on `port` answers PING. */
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** The last lines of a log file, or nothing when it cannot be read. */
export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
