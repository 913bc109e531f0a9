#!/usr/bin/env node
/**
 * One portal against two: throughput of the portal's pages and the CPU each process takes, with
 * one portal and one worker, then two portals and two workers on the same PostgreSQL and Redis.
 *
 *   npm run build && npm run bench:scale-out -- [--duration 10] [--connections 32] [--warmup 2] [--short]
 *
 * `--short` (2 s per run, 8 connections, 1 s warm-up) only shows that the benchmark still runs.
 *
 * 1. A fresh database; portal A (compiled, production mode, Redis, no worker inside) syncs the demo
 *    tenants; worker 1 starts. Load: GET `/`, `/leistungen` and `/api/v1/services?q=pass` with a
 *    random demo tenant's host, `--connections` connections on portal A.
 * 2. Portal B (finds the tenants in the database) and worker 2 join; the same load, the connections
 *    split between A and B.
 * Every process reports its CPU time; the table gives each one's share of one core. On a machine
 * with two cores the load generator, PostgreSQL and Redis share the cores with the portals, so the
 * second portal cannot add throughput here: what it shows is the cost per request of a second
 * instance (coordination through PostgreSQL and Redis) and how the work splits. The prediction for
 * machines of their own is in docs/scaling.md.
 * Results: a table on stdout and JSON in bench/results/scale-out-<date>.json (git-ignored).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CORES,
  REDIS_URL,
  ROOT,
  cannon,
  cleanRedis,
  createDatabase,
  fmt,
  get,
  gitCommit,
  machine,
  machineTicks,
  pct,
  serverCpu,
  startServer,
  stopServer,
} from './lib/harness.mjs';

function parseArgs(argv) {
  const options = { duration: 10, connections: 32, warmup: 2, short: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => Number(inline ?? argv[++i]);
    if (flag === '--duration') options.duration = value();
    else if (flag === '--connections') options.connections = value();
    else if (flag === '--warmup') options.warmup = value();
    else if (flag === '--short') options.short = true;
    else throw new Error(`unknown option ${argv[i]} (known: --duration, --connections, --warmup, --short)`);
  }
  if (options.short) Object.assign(options, { duration: 2, connections: 8, warmup: 1 });
  for (const key of ['duration', 'connections', 'warmup']) {
    if (!Number.isInteger(options[key]) || options[key] < 0 || options[key] > 600) {
      throw new Error(`--${key} must be a whole number from 0 to 600`);
    }
  }
  if (options.duration < 1 || options.connections < 2) throw new Error('--duration ≥ 1 and --connections ≥ 2');
  return options;
}

const PATHS = ['/', '/leistungen', '/api/v1/services?q=pass'];

/** 256 requests drawn up front (autocannon cycles through them): a random path on a random tenant. */
function requestsFor(hosts) {
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  return Array.from({ length: 256 }, () => {
    const path = pick(PATHS);
    return {
      method: 'GET',
      path,
      headers: { host: pick(hosts), accept: path.startsWith('/api') ? 'application/json' : 'text/html' },
    };
  });
}

/**
 * Load on the given portals at once (the connections split between them), after a warm-up; the CPU
 * of every process in `processes` over the measured window.
 */
async function measure(label, portals, processes, hosts, options, log) {
  const per = Math.max(1, Math.floor(options.connections / portals.length));
  if (options.warmup > 0) {
    log(`${label}: warm-up ${options.warmup} s`);
    await Promise.all(portals.map((p) => cannon(p.port, requestsFor(hosts), options.warmup, per)));
  }
  log(`${label}: measuring ${options.duration} s with ${per * portals.length} connections`);
  const before = await Promise.all(processes.map((p) => serverCpu(p.server)));
  const loadBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const started = performance.now();
  const results = await Promise.all(portals.map((p) => cannon(p.port, requestsFor(hosts), options.duration, per)));
  const wallUs = (performance.now() - started) * 1000;
  const machineAfter = machineTicks();
  const load = process.cpuUsage(loadBefore);
  const after = await Promise.all(processes.map((p) => serverCpu(p.server)));
  const cpu = Object.fromEntries(
    processes.map((p, i) => [p.name, Number(((after[i] - before[i]) / wallUs).toFixed(2))]),
  );
  cpu.loadGenerator = Number(((load.user + load.system) / wallUs).toFixed(2));
  const machineCores =
    machineBefore && machineAfter
      ? ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * CORES
      : undefined;
  const total = results.reduce((n, r) => n + r.requests.total, 0);
  const seconds = wallUs / 1e6;
  const portalCores = portals.reduce((n, p) => n + cpu[p.name], 0);
  return {
    requestsPerSecond: Math.round(total / seconds),
    // What one core of portal serves: the figure that carries over to machines of their own.
    requestsPerPortalCoreSecond: portalCores > 0 ? Math.round(total / seconds / portalCores) : undefined,
    perPortal: results.map((r) => Math.round(r.requests.average)),
    latencyMs: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
    },
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
    cpuOfOneCore: cpu,
    machineCores: machineCores === undefined ? undefined : Number(machineCores.toFixed(2)),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  if (!existsSync(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const hosts = readdirSync(join(ROOT, 'tenants'))
    .filter((slug) => existsSync(join(ROOT, 'tenants', slug, 'tenant.yaml')))
    .map((slug) => `${slug}.localhost`);
  const prefix = `or-bench-${randomBytes(4).toString('hex')}`;
  log(`${hosts.length} tenant hosts; ${CORES} cores; no CPU pinning (four processes share the cores)`);
  log('creating and migrating a fresh database');
  const db = await createDatabase();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    RUN_WORKER: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // One secret for every instance, as in a real installation.
    APP_SECRET: process.env.APP_SECRET || randomBytes(32).toString('hex'),
    SMTP_URL: process.env.SMTP_URL || 'smtp://127.0.0.1:9',
  };
  const started = [];
  const start = async (name, kind, extra = {}) => {
    const server = await startServer(kind, { ...env, ...extra }, false);
    const entry = { name, server, port: server.port };
    started.push(entry);
    log(`${name} ready in ${server.startMs} ms`);
    return entry;
  };
  const results = {};
  try {
    const portalA = await start('portalA', 'portal');
    const worker1 = await start('worker1', 'worker');
    for (const host of hosts) {
      const page = await get(portalA.port, host);
      if (page.status !== 200) throw new Error(`${host} answered ${page.status}`);
    }
    results.one = await measure('one portal, one worker', [portalA], [portalA, worker1], hosts, options, log);

    const portalB = await start('portalB', 'portal', { BENCH_SYNC_TENANTS: 'false' });
    const worker2 = await start('worker2', 'worker');
    for (const host of hosts) {
      const page = await get(portalB.port, host);
      if (page.status !== 200) throw new Error(`${host} answered ${page.status} on the second portal`);
    }
    results.two = await measure(
      'two portals, two workers',
      [portalA, portalB],
      [portalA, portalB, worker1, worker2],
      hosts,
      options,
      log,
    );
  } finally {
    for (const entry of started.reverse()) await stopServer(entry.server).catch(() => undefined);
    await db.drop().catch((error) => log(`could not drop database ${db.name}: ${error.message}`));
    await cleanRedis(prefix).catch((error) => log(`could not clean Redis keys ${prefix}*: ${error.message}`));
  }

  const ratio = results.two.requestsPerSecond / results.one.requestsPerSecond;
  const perCoreRatio = (results.two.requestsPerPortalCoreSecond ?? 0) / (results.one.requestsPerPortalCoreSecond || 1);
  const report = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machine(),
    options,
    tenants: hosts.length,
    paths: PATHS,
    results,
    ratioTwoToOne: Number(ratio.toFixed(3)),
    ratioPerPortalCoreTwoToOne: Number(perCoreRatio.toFixed(3)),
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scale-out-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

  const cpu = (r, name) => (r.cpuOfOneCore[name] === undefined ? '–' : pct(r.cpuOfOneCore[name]));
  const row = (label, r) =>
    `| ${label} | ${fmt(r.requestsPerSecond)} | ${r.perPortal.map(fmt).join(' + ')} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.non2xx} | ${r.errors} | ${cpu(r, 'portalA')} | ${cpu(r, 'portalB')} | ${cpu(r, 'worker1')} | ${cpu(r, 'worker2')} | ${pct(r.cpuOfOneCore.loadGenerator)} | ${r.machineCores ?? '–'} | ${fmt(r.requestsPerPortalCoreSecond ?? 0)} |`;
  const lines = [
    `${report.date} · ${report.commit} · ${report.machine.cores} × ${report.machine.cpu}`,
    '',
    '| setup | req/s | per portal | p50 ms | p99 ms | non-2xx | errors | portal A | portal B | worker 1 | worker 2 | load gen. | cores busy | req per portal core-second |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    row('one portal, one worker', results.one),
    row('two portals, two workers', results.two),
    '',
    `two against one: ${pct(ratio)} of the throughput, ${pct(perCoreRatio)} of the requests per portal core-second; JSON: ${file}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (results.one.non2xx + results.two.non2xx + results.one.errors + results.two.errors > 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
