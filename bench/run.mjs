#!/usr/bin/env node
/**
 * Throughput of the portal's home pages against a bare Fastify hello-world, on this machine.
 *
 *   npm run build && npm run bench -- [--duration 10] [--connections 50] [--warmup 2] [--no-pin] [--setup-request]
 *
 * The server under test runs in a child process and autocannon in this one, so that each has a
 * core of its own (with taskset, when there are two cores or more: server on CPU 1, load on CPU 0).
 * Both servers get the same requests: GET / with a Host header picked at random among the demo
 * tenants' `<slug>.localhost` (the bare server ignores it); see requestsFor(). The portal runs the compiled
 * app (dist/) in production mode on a fresh PostgreSQL database, which is dropped at the end.
 * Results: a markdown table on stdout and JSON in bench/results/ (git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const SELF = fileURLToPath(import.meta.url);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BARE_HTML =
  '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Hallo</title></head>' +
  '<body><h1>Hallo Welt</h1></body></html>';

/* ------------------------------------------------------------------ child: the server under test */

async function serve(kind) {
  let close;
  if (kind === 'bare') {
    const Fastify = require('fastify');
    const app = Fastify({ logger: false });
    const html = process.env.BENCH_BARE_HTML || BARE_HTML;
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.send({ ready: true, port: app.server.address().port });
    close = () => app.close();
  } else {
    require(join(ROOT, 'tools', 'register-paths.cjs'));
    require('reflect-metadata');
    const { loadConfig } = require(join(ROOT, 'dist', 'libs', 'core', 'src', 'index.js'));
    const { startPortal } = require(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'));
    const config = loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      SYNC_TENANTS_ON_START: 'true',
      MIGRATE_ON_START: 'false',
      // Production turns the *.localhost hosts off; the benchmark addresses tenants by them.
      DEV_HOSTS: 'true',
      TENANTS_DIR: join(ROOT, 'tenants'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    const portal = await startPortal(config);
    process.send({ ready: true, port: portal.config.port });
    close = () => portal.close();
  }
  process.on('message', async (message) => {
    if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (message === 'stop') {
      await close().catch((error) => console.error(error));
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/* ------------------------------------------------------------------ parent: setup, load, report */

function parseArgs(argv) {
  const options = { duration: 10, connections: 50, warmup: 2, pin: true, setupRequest: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => Number(inline ?? argv[++i]);
    if (flag === '--duration') options.duration = value();
    else if (flag === '--connections') options.connections = value();
    else if (flag === '--warmup') options.warmup = value();
    else if (flag === '--no-pin') options.pin = false;
    else if (flag === '--setup-request') options.setupRequest = true;
    else
      throw new Error(
        `unknown option ${argv[i]} (known: --duration, --connections, --warmup, --no-pin, --setup-request)`,
      );
  }
  for (const key of ['duration', 'connections', 'warmup']) {
    if (!Number.isInteger(options[key]) || options[key] < 0 || options[key] > 600) {
      throw new Error(`--${key} must be a whole number from 0 to 600`);
    }
  }
  if (options.duration < 1 || options.connections < 1)
    throw new Error('--duration and --connections must be at least 1');
  return options;
}

// Counted before this process pins itself (availableParallelism follows the affinity mask).
const CORES = os.availableParallelism();

const canPin = () => {
  if (CORES < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Starts a server child (pinned to CPU 1 when asked) and waits for its port. */
function startServer(kind, env, pin) {
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = [...nodeArgs, SELF, '--serve', kind];
  const child = pin
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} server did not start within 90 s`));
    }, 90_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ child, port: message.port });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with code ${code} before it was ready`));
    });
  });
}

function stopServer({ child }) {
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

/** CPU time (µs) the server process has used so far. */
function serverCpu({ child }) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not report its CPU time')), 5_000);
    const onMessage = (message) => {
      if (!message?.cpu) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.cpu.user + message.cpu.system);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

function get(port, host) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: { host, accept: 'text/html' }, timeout: 10_000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The requests of a run, each with a random demo tenant's host. By default a sequence of 256
 * requests drawn at random up front, which autocannon builds once and cycles through; with
 * --setup-request a `setupRequest` draws the host per request instead, which makes autocannon
 * rebuild every request (and clone its context) and costs the load generator about a third of its
 * throughput, so that it, and not the bare server, sets the bare figure.
 */
function requestsFor(hosts, perRequest) {
  const pick = () => hosts[Math.floor(Math.random() * hosts.length)];
  const base = { method: 'GET', path: '/' };
  if (perRequest) {
    return [
      {
        ...base,
        headers: { accept: 'text/html' },
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: pick() } }),
      },
    ];
  }
  return Array.from({ length: 256 }, () => ({ ...base, headers: { host: pick(), accept: 'text/html' } }));
}

/** One autocannon run against 127.0.0.1. */
function cannon(port, hosts, seconds, options, onStart) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: options.connections,
        duration: seconds,
        timeout: 10,
        requests: requestsFor(hosts, options.setupRequest),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    // 'start' comes once the connections are set up, when the measured time begins.
    if (onStart) instance.once('start', onStart);
  });
}

const summary = (result, bytesPerResponse) => ({
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
});

async function measure(label, server, hosts, options, log) {
  if (options.warmup > 0) {
    log(`${label}: warm-up ${options.warmup} s`);
    await cannon(server.port, hosts, options.warmup, options);
  }
  log(`${label}: measuring ${options.duration} s with ${options.connections} connections`);
  let serverBefore, loadBefore, started;
  const result = await cannon(server.port, hosts, options.duration, options, () => {
    started = performance.now();
    loadBefore = process.cpuUsage();
    serverBefore = serverCpu(server);
  });
  const wallUs = (performance.now() - started) * 1000;
  if (process.env.BENCH_DEBUG) log(`measured window ${Math.round(wallUs / 1000)} ms`);
  const load = process.cpuUsage(loadBefore);
  const serverUs = (await serverCpu(server)) - (await serverBefore);
  // Share of one core each side used: a server well below 100 % means the load generator was the limit.
  result.cpu = { server: serverUs / wallUs, loadGenerator: (load.user + load.system) / wallUs };
  return result;
}

/** A fresh database migrated like libs/testing does it; returns its URLs and a drop(). */
async function createDatabase() {
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
async function cleanRedis(prefix) {
  const Redis = require('ioredis');
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

const fmt = (n) => n.toLocaleString('en-US');
const pct = (share) => `${Math.round(share * 100)} %`;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  if (!existsSync(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const { parse } = require('yaml');
  const tenants = readdirSync(join(ROOT, 'tenants'))
    .filter((slug) => existsSync(join(ROOT, 'tenants', slug, 'tenant.yaml')))
    .map((slug) => ({ slug, name: parse(readFileSync(join(ROOT, 'tenants', slug, 'tenant.yaml'), 'utf8')).name }));
  const hosts = tenants.map((t) => `${t.slug}.localhost`);
  const pin = options.pin && canPin();
  if (pin) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  log(
    `${tenants.length} tenant hosts; ${CORES} cores; ${pin ? 'server pinned to CPU 1, load generator to CPU 0' : 'no CPU pinning'}`,
  );

  const prefix = `or-bench-${randomBytes(4).toString('hex')}`;
  const baseEnv = { ...process.env, NODE_ENV: 'production' };
  const results = {};

  // (a) bare Fastify
  let server = await startServer('bare', baseEnv, pin);
  try {
    const check = await get(server.port, hosts[0]);
    if (check.status !== 200) throw new Error(`bare server answered ${check.status}`);
    results.bare = summary(await measure('bare fastify', server, hosts, options, log), Buffer.byteLength(check.body));
  } finally {
    await stopServer(server);
  }

  // (b) the portal on a fresh database
  let samplePage;
  log('creating and migrating a fresh database');
  const db = await createDatabase();
  try {
    server = await startServer(
      'portal',
      {
        ...baseEnv,
        DATABASE_URL: db.appUrl,
        DATABASE_OWNER_URL: db.ownerUrl,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      pin,
    );
    try {
      // Every tenant's home page must really be served before it is worth timing.
      let bytes = 0;
      for (const t of tenants) {
        const page = await get(server.port, `${t.slug}.localhost`);
        if (page.status !== 200 || !page.body.includes(t.name)) {
          throw new Error(`${t.slug}.localhost answered ${page.status} without the tenant's name`);
        }
        bytes += Buffer.byteLength(page.body);
        if (t.slug === 'gelsenkirchen' || samplePage === undefined) samplePage = page.body;
      }
      results.portal = summary(
        await measure('portal', server, hosts, options, log),
        Math.round(bytes / tenants.length),
      );
    } finally {
      await stopServer(server);
    }
  } finally {
    await db.drop().catch((error) => log(`could not drop database ${db.name}: ${error.message}`));
    await cleanRedis(prefix).catch((error) => log(`could not clean Redis keys ${prefix}*: ${error.message}`));
    log(`database ${db.name} dropped`);
  }

  // (c) bare Fastify again, sending one of the portal's pages: separates the cost of the bigger
  // response (bytes through the kernel) from the cost of the portal's code.
  server = await startServer('bare', { ...baseEnv, BENCH_BARE_HTML: samplePage }, pin);
  try {
    const check = await get(server.port, hosts[0]);
    if (check.status !== 200 || check.body !== samplePage) throw new Error('bare server did not send the sample page');
    results.bareSamePage = summary(
      await measure('bare fastify, portal-sized page', server, hosts, options, log),
      Buffer.byteLength(check.body),
    );
  } finally {
    await stopServer(server);
  }

  const ratio = results.portal.requestsPerSecond / results.bare.requestsPerSecond;
  const ratioSamePage = results.portal.requestsPerSecond / results.bareSamePage.requestsPerSecond;
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    commit = undefined;
  }
  const report = {
    date: new Date().toISOString(),
    commit,
    machine: {
      cores: CORES,
      cpu: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
    },
    options: { ...options, pin },
    tenants: hosts.length,
    results,
    ratioPortalToBare: Number(ratio.toFixed(3)),
    ratioPortalToBareSamePage: Number(ratioSamePage.toFixed(3)),
    goal: 'portal >= 50% of bare',
    goalMet: ratio >= 0.5,
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

  const row = (label, r) =>
    `| ${label} | ${fmt(r.requestsPerSecond)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${fmt(r.bytesPerResponse)} | ${r.non2xx} | ${r.errors + r.timeouts} | ${pct(r.cpuOfOneCore.server)} | ${pct(r.cpuOfOneCore.loadGenerator)} |`;
  console.log(
    [
      '',
      `${options.duration} s per server after ${options.warmup} s warm-up, ${options.connections} connections, ` +
        `${report.machine.cores} cores (${report.machine.cpu}), Node ${process.version}` +
        (pin ? ', server on CPU 1 and autocannon on CPU 0' : ''),
      '',
      '| server | req/s | p50 ms | p99 ms | bytes/response | non-2xx | errors | server CPU | autocannon CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('bare Fastify hello-world', results.bare),
      row(`portal home page (random of ${hosts.length} tenants)`, results.portal),
      row('bare Fastify, one portal page as a constant', results.bareSamePage),
      '',
      `portal / bare: ${(ratio * 100).toFixed(1)} % (goal: at least 50 %) — ${report.goalMet ? 'met' : 'NOT met'}`,
      `portal / bare with the same page: ${(ratioSamePage * 100).toFixed(1)} %`,
      `JSON: ${file}`,
      '',
    ].join('\n'),
  );
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
