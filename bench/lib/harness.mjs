/**
 * What the benchmarks share: the server child (bench/lib/server.mjs) and its IPC, CPU pinning,
 * autocannon runs with the CPU time of both sides, a fresh database and the Redis clean-up.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.mjs');
export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Where the benchmarks write their JSON and charts (git-ignored); the short forms write to a temporary folder. */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || join(ROOT, 'bench', 'results');
/** The short form: a few seconds, a few tenants, so that `npm test` runs every benchmark. */
export const SHORT = process.argv.includes('--short');
/** The Accept-Encoding a browser sends (Chromium, Firefox): the portal answers Brotli to it. */
export const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
export const BARE_HTML =
  '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Hallo</title></head>' +
  '<body><h1>Hallo Welt</h1></body></html>';

// Counted before the process pins itself (availableParallelism follows the affinity mask).
export const CORES = os.availableParallelism();

export const canPin = () => {
  if (CORES < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Pins this process (the load generator) and its threads to CPU 0. */
export function pinSelf() {
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts a server child (pinned to CPU 1 when asked) and waits for its port; `startMs` is how long
 * that took.
 */
export function startServer(kind, env, pin, { timeoutMs = 90_000 } = {}) {
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = [...nodeArgs, SERVER, kind];
  const started = performance.now();
  const child = pin
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} server did not start within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({
        child,
        port: /** @type {{ port: number }} */ (message).port,
        startMs: Math.round(performance.now() - started),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with code ${code} before it was ready`));
    });
  });
}

export function stopServer({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send('stop');
  });
}

/** Sends `message` to the server child and resolves with the `field` of its answer. */
function ask({ child }, message, field, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not answer "${message}"`)), timeoutMs);
    const onMessage = (answer) => {
      if (!answer?.[field]) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(answer[field]);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** CPU time (µs) the server process has used so far. */
export async function serverCpu(server) {
  const cpu = await ask(server, 'cpu', 'cpu', 5_000);
  return cpu.user + cpu.system;
}

/** The server's memory after a full garbage collection: rss, heapUsed, heapTotal, external (bytes). */
export const serverMemory = (server) => ask(server, 'mem', 'mem', 30_000);

/**
 * One GET to 127.0.0.1; resolves with status, headers and body.
 * @param {number} port
 * @param {string} host
 * @param {string} [path]
 * @param {{ accept?: string, agent?: import('node:http').Agent, acceptEncoding?: string }} [options]
 */
export function get(port, host, path = '/', { accept = 'text/html', agent, acceptEncoding } = {}) {
  /** @type {Record<string, string>} */
  const headers = { host, accept };
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Busy and total CPU ticks of the whole machine, from /proc/stat (undefined where there is none). */
/** @returns {{ busy: number, total: number } | undefined} */
export function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return undefined;
  }
}

/** One autocannon run against 127.0.0.1 with the given requests (see autocannon's `requests`). */
export function cannon(port, requests, seconds, connections, onStart) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `http://127.0.0.1:${port}`, connections, duration: seconds, timeout: 10, requests },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
    // 'start' comes once the connections are set up, when the measured time begins.
    if (onStart) instance.once('start', onStart);
  });
}

/**
 * Warm-up (discarded), then the measured run. `requests()` gives autocannon's requests for each
 * of the two. Adds `cpu`: the share of one core the server and the load generator used, and
 * `machineCores`: how many cores the whole machine was busy (server, load generator, PostgreSQL, …).
 */
export async function measure(label, server, requests, options, log) {
  if (options.warmup > 0) {
    log(`${label}: warm-up ${options.warmup} s`);
    await cannon(server.port, requests(), options.warmup, options.connections);
  }
  log(`${label}: measuring ${options.duration} s with ${options.connections} connections`);
  /** @type {Promise<number>} */
  let serverBefore;
  /** @type {NodeJS.CpuUsage} */
  let loadBefore;
  /** @type {ReturnType<typeof machineTicks>} */
  let machineBefore;
  /** @type {number} */
  let started;
  const result = await cannon(server.port, requests(), options.duration, options.connections, () => {
    started = performance.now();
    loadBefore = process.cpuUsage();
    machineBefore = machineTicks();
    serverBefore = serverCpu(server);
  });
  const wallUs = (performance.now() - started) * 1000;
  const machineAfter = machineTicks();
  if (process.env.BENCH_DEBUG) log(`measured window ${Math.round(wallUs / 1000)} ms`);
  const load = process.cpuUsage(loadBefore);
  const serverUs = (await serverCpu(server)) - (await serverBefore);
  // Share of one core each side used: a server well below 100 % means the load generator was the limit.
  result.cpu = { server: serverUs / wallUs, loadGenerator: (load.user + load.system) / wallUs };
  if (machineBefore && machineAfter) {
    const share = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    result.cpu.machineCores = share * CORES;
  }
  return result;
}

export const summary = (result, bytesPerResponse) => ({
  requestsPerSecond: Math.round(result.requests.average),
  requestsTotal: result.requests.total,
  latencyMs: {
    average: result.latency.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  bytesPerResponse,
  throughputBytesPerSecond: Math.round(result.throughput.average),
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  cpuOfOneCore: {
    server: Number(result.cpu.server.toFixed(2)),
    loadGenerator: Number(result.cpu.loadGenerator.toFixed(2)),
  },
  // Requests per second of the server's own CPU time: what the server costs per request, also when
  // other work on the machine leaves it less than a core (req/s then says more about the machine).
  requestsPerServerCpuSecond:
    result.cpu.server > 0 ? Math.round(result.requests.total / (result.cpu.server * result.duration)) : undefined,
});

/** A fresh database migrated like libs/testing does it; returns its URLs and a drop(). */
export async function createDatabase() {
  require(join(ROOT, 'tools', 'register-paths.cjs'));
  const { Client } = require('pg');
  const { runMigrations } = require(join(ROOT, 'dist', 'libs', 'database', 'src', 'index.js'));
  const { MIGRATIONS } = require(join(ROOT, 'dist', 'migrations', 'index.js'));
  const name = `or_bench_${randomBytes(5).toString('hex')}`;
  const withUser = (user) => {
    const u = new URL(PG_ADMIN_URL);
    u.username = user;
    u.password = '';
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const ownerUrl = withUser(new URL(PG_ADMIN_URL).username || 'postgres');
  const drop = async () => {
    const client = new Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
  try {
    await runMigrations(ownerUrl, MIGRATIONS);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, ownerUrl, appUrl: withUser('openrathaus_app'), drop };
}

/** Removes the Redis keys of this run's queue prefix (bounded scan). */
export async function cleanRedis(prefix) {
  const { Redis } = require('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    for (let round = 0; round < 1000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

export function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

export const machine = () => ({
  cores: CORES,
  cpu: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
});

export const fmt = (n) => n.toLocaleString('en-US');
export const pct = (share) => `${Math.round(share * 100)} %`;
