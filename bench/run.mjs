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
 * Results: a markdown table on stdout and JSON in bench/results/ (git-ignored). The server child is
 * bench/lib/server.mjs, the shared helpers are in bench/lib/harness.mjs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CORES,
  REDIS_URL,
  ROOT,
  canPin,
  cleanRedis,
  createDatabase,
  fmt,
  get,
  gitCommit,
  machine,
  measure as measureRequests,
  pct,
  pinSelf,
  startServer,
  stopServer,
  summary,
} from './lib/harness.mjs';

const require = createRequire(join(ROOT, 'package.json'));

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

/** Warm-up and measured run, each with requests drawn afresh. */
const measure = (label, server, hosts, options, log) =>
  measureRequests(label, server, () => requestsFor(hosts, options.setupRequest), options, log);

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
  if (pin) pinSelf();
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
  const commit = gitCommit();
  const report = {
    date: new Date().toISOString(),
    commit,
    machine: machine(),
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

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
