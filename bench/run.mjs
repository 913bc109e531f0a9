#!/usr/bin/env node
/**
 * Throughput of the portal's home pages against a bare Fastify hello-world, on this machine.
 *
 *   npm run build && npm run bench -- [--duration 10] [--connections 50] [--warmup 2] [--no-pin] [--setup-request]
 *                                     [--short]   (1 s per server, 4 connections, no warm-up: what `npm test` runs)
 *
 * The server under test runs in a child process and autocannon in this one, so that each has a
 * core of its own (with taskset, when there are two cores or more: server on CPU 1, load on CPU 0).
 * Both servers get the same requests: GET / with a Host header picked at random among the demo
 * tenants' `<slug>.localhost` (the bare server ignores it); see requestsFor(). The portal runs the compiled
 * app (dist/) in production mode on a fresh PostgreSQL database, which is dropped at the end.
 *
 * The portal is asked twice: with the Accept-Encoding a browser sends (it answers Brotli) and with
 * none (plain HTML). Each is compared with the bare hello-world and with bare Fastify sending the
 * very bytes the portal sent (a constant, with the same Content-Encoding), all in the same run.
 * Results: a markdown table on stdout, JSON and SVG charts (throughput, latency) in bench/results/
 * (git-ignored; BENCH_RESULTS_DIR elsewhere). The server child is bench/lib/server.mjs, the shared
 * helpers are in bench/lib/harness.mjs, the charts' writer bench/lib/chart.mjs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BROWSER_ACCEPT_ENCODING,
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
  RESULTS_DIR,
  SHORT,
} from './lib/harness.mjs';
import { barChart, writeCharts } from './lib/chart.mjs';

const require = createRequire(join(ROOT, 'package.json'));

/* ------------------------------------------------------------------ parent: setup, load, report */

function parseArgs(argv) {
  const options = SHORT
    ? { duration: 1, connections: 4, warmup: 0, pin: true, setupRequest: false }
    : { duration: 10, connections: 50, warmup: 2, pin: true, setupRequest: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => Number(inline ?? argv[++i]);
    if (flag === '--short') continue;
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
function requestsFor(hosts, perRequest, acceptEncoding) {
  const pick = () => hosts[Math.floor(Math.random() * hosts.length)];
  const base = { method: 'GET', path: '/' };
  /** @type {Record<string, string>} */
  const headers = { accept: 'text/html' };
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  if (perRequest) {
    return [{ ...base, headers, setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: pick() } }) }];
  }
  return Array.from({ length: 256 }, () => ({ ...base, headers: { ...headers, host: pick() } }));
}

/** Warm-up and measured run, each with requests drawn afresh. */
const measure = (label, server, hosts, options, log, acceptEncoding) =>
  measureRequests(label, server, () => requestsFor(hosts, options.setupRequest, acceptEncoding), options, log);

/** The two ways a client asks: as a browser does (the portal answers Brotli), and with no Accept-Encoding. */
const ENCODINGS = [
  { id: 'browser', label: `Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}`, header: BROWSER_ACCEPT_ENCODING },
  { id: 'none', label: 'no Accept-Encoding', header: undefined },
];

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
  /** @type {Record<string, ReturnType<typeof summary>>} */
  const results = {};

  // (a) bare Fastify
  let server = await startServer('bare', baseEnv, pin);
  try {
    const check = await get(server.port, hosts[0]);
    if (check.status !== 200) throw new Error(`bare server answered ${check.status}`);
    results.bare = summary(
      await measure('bare fastify', server, hosts, options, log, BROWSER_ACCEPT_ENCODING),
      Buffer.byteLength(check.body),
    );
  } finally {
    await stopServer(server);
  }

  // (b) the portal on a fresh database, asked as a browser asks and with no Accept-Encoding
  /** @type {Record<string, { raw: Buffer, encoding?: string }>} */
  const samplePage = {};
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
      for (const encoding of ENCODINGS) {
        // Every tenant's home page must really be served before it is worth timing; the first
        // request caches the page, whose compressed forms are made once, in the background.
        let bytes = 0;
        for (const round of [1, 2]) {
          for (const t of tenants) {
            const page = await get(server.port, `${t.slug}.localhost`, '/', { acceptEncoding: encoding.header });
            if (page.status !== 200) throw new Error(`${t.slug}.localhost answered ${page.status}`);
            const html = await decoded(page);
            if (!html.includes(t.name)) throw new Error(`${t.slug}.localhost answered without the tenant's name`);
            if (round === 1) continue;
            bytes += page.raw.length;
            if (t.slug === 'gelsenkirchen' || samplePage[encoding.id] === undefined) {
              samplePage[encoding.id] = { raw: page.raw, encoding: page.headers['content-encoding'] };
            }
          }
          if (round === 1) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        log(
          `portal, ${encoding.label}: ${samplePage[encoding.id].encoding ?? 'identity'}, ` +
            `${fmt(Math.round(bytes / tenants.length))} bytes on average`,
        );
        results[`portal-${encoding.id}`] = summary(
          await measure(`portal, ${encoding.label}`, server, hosts, options, log, encoding.header),
          Math.round(bytes / tenants.length),
        );
      }
    } finally {
      await stopServer(server);
    }
  } finally {
    await db.drop().catch((error) => log(`could not drop database ${db.name}: ${error.message}`));
    await cleanRedis(prefix).catch((error) => log(`could not clean Redis keys ${prefix}*: ${error.message}`));
    log(`database ${db.name} dropped`);
  }

  // (c) bare Fastify again, sending one of the portal's pages, byte for byte (Brotli, then plain):
  // separates the cost of the bigger response (bytes through the kernel) from the cost of the portal's code.
  for (const encoding of ENCODINGS) {
    const sample = samplePage[encoding.id];
    server = await startServer(
      'bare',
      { ...baseEnv, BENCH_BARE_BODY: sample.raw.toString('base64'), BENCH_BARE_ENCODING: sample.encoding ?? '' },
      pin,
    );
    try {
      const check = await get(server.port, hosts[0], '/', { acceptEncoding: encoding.header });
      if (check.status !== 200 || !check.raw.equals(sample.raw))
        throw new Error('bare server did not send the sample page');
      results[`bareSamePage-${encoding.id}`] = summary(
        await measure(
          `bare fastify, the portal's page, ${encoding.label}`,
          server,
          hosts,
          options,
          log,
          encoding.header,
        ),
        check.raw.length,
      );
    } finally {
      await stopServer(server);
    }
  }

  const ratios = Object.fromEntries(
    ENCODINGS.map((e) => [
      e.id,
      {
        toBare: Number((results[`portal-${e.id}`].requestsPerSecond / results.bare.requestsPerSecond).toFixed(3)),
        toBareSamePage: Number(
          (results[`portal-${e.id}`].requestsPerSecond / results[`bareSamePage-${e.id}`].requestsPerSecond).toFixed(3),
        ),
        // The same ratios per second of the server's CPU time: the figure to read on a machine other work shares.
        toBarePerCpu: perCpu(results[`portal-${e.id}`], results.bare),
        toBareSamePagePerCpu: perCpu(results[`portal-${e.id}`], results[`bareSamePage-${e.id}`]),
      },
    ]),
  );
  const commit = gitCommit();
  const report = {
    date: new Date().toISOString(),
    commit,
    machine: machine(),
    options: { ...options, pin },
    tenants: hosts.length,
    results,
    ratios,
    goals: { toBare: 0.7, toBareSamePage: 0.95 },
  };
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

  /** @type {[string, ReturnType<typeof summary>][]} */
  const rows = [
    ['bare Fastify hello-world', results.bare],
    ...ENCODINGS.flatMap(
      (e) =>
        /** @type {[string, ReturnType<typeof summary>][]} */ ([
          [`portal home page (random of ${hosts.length} tenants), ${e.label}`, results[`portal-${e.id}`]],
          [`bare Fastify, the portal's page as a constant, ${e.label}`, results[`bareSamePage-${e.id}`]],
        ]),
    ),
  ];
  const charts = writeCharts(dir, `home-${stamp}`, {
    throughput: barChart({
      title: `Home page against bare Fastify (${options.duration} s, ${options.connections} connections)`,
      unit: 'requests per second',
      groups: rows.map(([label, r]) => ({
        label: shortLabel(label),
        bars: [{ series: 'req/s', value: r.requestsPerSecond }],
      })),
    }),
    cpu: barChart({
      title: 'Home page against bare Fastify: requests per second of server CPU time',
      unit: 'requests per server CPU second',
      groups: rows.map(([label, r]) => ({
        label: shortLabel(label),
        bars: [{ series: 'req per CPU s', value: r.requestsPerServerCpuSecond ?? 0 }],
      })),
    }),
    latency: barChart({
      title: 'Home page against bare Fastify: latency',
      unit: 'milliseconds',
      groups: rows.map(([label, r]) => ({
        label: shortLabel(label),
        bars: [
          { series: 'p50', value: r.latencyMs.p50 },
          { series: 'p99', value: r.latencyMs.p99 },
        ],
      })),
    }),
  });

  const row = (label, r) =>
    `| ${label} | ${fmt(r.requestsPerSecond)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${fmt(r.bytesPerResponse)} | ${r.non2xx} | ${r.errors + r.timeouts} | ${pct(r.cpuOfOneCore.server)} | ${pct(r.cpuOfOneCore.loadGenerator)} | ${fmt(r.requestsPerServerCpuSecond ?? 0)} |`;
  const percent = (share) => `${(share * 100).toFixed(1)} %`;
  console.log(
    [
      '',
      `${options.duration} s per server after ${options.warmup} s warm-up, ${options.connections} connections, ` +
        `${report.machine.cores} cores (${report.machine.cpu}), Node ${process.version}` +
        (pin ? ', server on CPU 1 and autocannon on CPU 0' : ''),
      '',
      '| server | req/s | p50 ms | p99 ms | bytes/response | non-2xx | errors | server CPU | autocannon CPU | req per server CPU s |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(([label, r]) => row(label, r)),
      '',
      ...ENCODINGS.map(
        (e) =>
          `${e.label}: portal / bare hello-world ${percent(ratios[e.id].toBare)} (goal ≥ 70 %), ` +
          `portal / bare with the same bytes ${percent(ratios[e.id].toBareSamePage)} (goal ≥ 95 %); ` +
          `per second of server CPU ${percent(ratios[e.id].toBarePerCpu)} and ${percent(ratios[e.id].toBareSamePagePerCpu)}`,
      ),
      `JSON: ${file}`,
      `charts: ${charts.join(', ')}`,
      '',
    ].join('\n'),
  );
}

/** Portal / baseline in requests per second of server CPU time (0 when either was not measured). */
const perCpu = (portal, base) =>
  portal.requestsPerServerCpuSecond && base.requestsPerServerCpuSecond
    ? Number((portal.requestsPerServerCpuSecond / base.requestsPerServerCpuSecond).toFixed(3))
    : 0;

/** A table row's label, short enough for a chart. */
const shortLabel = (label) =>
  label
    .replace(/ \(random of \d+ tenants\)/, '')
    .replace(`Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}`, 'browser encodings')
    .replace("the portal's page as a constant", 'same bytes');

/** The body as text, decompressed when the answer says it is compressed. */
async function decoded(answer) {
  const zlib = await import('node:zlib');
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(answer.raw).toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(answer.raw).toString('utf8');
  if (encoding) throw new Error(`unexpected Content-Encoding ${encoding}`);
  return answer.body;
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
