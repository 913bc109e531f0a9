#!/usr/bin/env node
/**
 * Throughput, latency and memory of the catalogue — service list, service page, search; as JSON
 * API and as HTML pages — for the demo tenants and for thousands of synthetic municipalities,
 * against the bare Fastify hello-world of bench/run.mjs, measured in the same run.
 *
 *   npm run build && npm run bench:catalog -- [--tenants 11000] [--duration 10] [--connections 50] [--warmup 2]
 *                                              [--no-pin] [--only apiList,apiService,apiSearch,pageList,pageService,pageSearch]
 *                                              [--short]   (20 tenants, 1 s per row: what `npm test` runs)
 *
 * 1. Bare Fastify, `GET /`, as in bench/run.mjs (a sequence of 256 requests drawn up front).
 * 2. The portal on a fresh database with the demo tenants (a copy of tenants/ in a temporary folder,
 *    synced on start): each kind of request with a random demo tenant's `<slug>.localhost` per request.
 * 3. N synthetic municipalities written next to the copy (each adopting the shared definitions that
 *    REFERENCE_CITY adopts, with parameters of its own), loaded with `tenants sync` of the CLI (timed),
 *    then the portal started on all N + 17 and the same requests with hosts drawn among all of them.
 *    The portal's memory (after a full GC) is read after start and after each tenant was requested
 *    once: `/api/v1/lebenslagen` (no catalogue: what the request path keeps per tenant), the
 *    service list (the catalogue keeps each tenant's services) and `/leistungen` (the page cache);
 *    and after the runs.
 *
 * The portal rows draw tenant, key and search word per request in autocannon's `setupRequest`:
 * a sequence drawn up front would visit only a few hundred of 11,000 tenants. That costs the load
 * generator (see docs/performance.md); the CPU columns show which side set a figure.
 * Results: a markdown table on stdout, JSON in bench/results/catalog-<date>.json and SVG charts
 * (throughput and p99 per kind of request and tenant count) beside it (git-ignored).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import {
  CORES,
  PG_ADMIN_URL,
  REDIS_URL,
  ROOT,
  canPin,
  cleanRedis,
  createDatabase,
  fmt,
  get,
  gitCommit,
  machine,
  measure,
  pct,
  pinSelf,
  startServer,
  stopServer,
  serverMemory,
  summary,
  RESULTS_DIR,
  SHORT,
} from './lib/harness.mjs';
import { barChart, writeCharts } from './lib/chart.mjs';
import { REFERENCE_CITY, writeSyntheticTenants } from './lib/synthetic-tenants.mjs';

const require = createRequire(join(ROOT, 'package.json'));

/** Search words drawn per request: definitions' titles and keywords, and link services of Bund and Land. */
const SEARCH_WORDS = ['Parkausweis', 'Hundesteuer', 'Urkunde', 'Gewerbe', 'Führungszeugnis', 'Wohngeld'];
/** Concurrent requests of the sweeps that request every tenant once. */
const SWEEP_CONCURRENCY = 8;

const pickOf = (list) => list[Math.floor(Math.random() * list.length)];
const word = () => encodeURIComponent(pickOf(SEARCH_WORDS));

/**
 * The kinds of request. `pool`: `all` tenants, or only those with an online service (`online`),
 * whose keys the service requests draw from.
 */
const KINDS = [
  {
    id: 'apiList',
    label: 'service list `GET /api/v1/services`',
    api: true,
    pool: 'all',
    path: () => '/api/v1/services',
  },
  {
    id: 'apiService',
    label: 'service `GET /api/v1/services/<key>`',
    api: true,
    pool: 'online',
    path: (t) => `/api/v1/services/${pickOf(t.keys)}`,
  },
  {
    id: 'apiSearch',
    label: 'search `GET /api/v1/services?q=<word>`',
    api: true,
    pool: 'all',
    path: () => `/api/v1/services?q=${word()}`,
  },
  { id: 'pageList', label: 'page `GET /leistungen`', api: false, pool: 'all', path: () => '/leistungen' },
  {
    id: 'pageService',
    label: 'page `GET /leistungen/<key>`',
    api: false,
    pool: 'online',
    path: (t) => `/leistungen/${pickOf(t.keys)}`,
  },
  {
    id: 'pageSearch',
    label: 'page `GET /leistungen?q=<word>`',
    api: false,
    pool: 'all',
    path: () => `/leistungen?q=${word()}`,
  },
];
const acceptOf = (kind) => (kind.api ? 'application/json' : 'text/html');

/* ------------------------------------------------------------------ options */

function parseArgs(argv) {
  const options = SHORT
    ? { tenants: 20, duration: 1, connections: 4, warmup: 0, pin: true, only: undefined }
    : { tenants: 11_000, duration: 10, connections: 50, warmup: 2, pin: true, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => Number(inline ?? argv[++i]);
    if (flag === '--short') continue;
    if (flag === '--tenants') options.tenants = value();
    else if (flag === '--duration') options.duration = value();
    else if (flag === '--connections') options.connections = value();
    else if (flag === '--warmup') options.warmup = value();
    else if (flag === '--no-pin') options.pin = false;
    else if (flag === '--only') options.only = String(inline ?? argv[++i]).split(',');
    else
      throw new Error(
        `unknown option ${argv[i]} (known: --tenants, --duration, --connections, --warmup, --no-pin, --only)`,
      );
  }
  const unknown = (options.only ?? []).filter((id) => !KINDS.some((k) => k.id === id));
  if (unknown.length) {
    throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${KINDS.map((k) => k.id).join(', ')})`);
  }
  for (const key of ['duration', 'connections', 'warmup']) {
    if (!Number.isInteger(options[key]) || options[key] < 0 || options[key] > 600) {
      throw new Error(`--${key} must be a whole number from 0 to 600`);
    }
  }
  if (options.duration < 1 || options.connections < 1)
    throw new Error('--duration and --connections must be at least 1');
  if (!Number.isInteger(options.tenants) || options.tenants < 1 || options.tenants > 100_000) {
    throw new Error('--tenants must be a whole number from 1 to 100000');
  }
  return options;
}

/* ------------------------------------------------------------------ requests and checks */

/** autocannon's requests: one entry whose setupRequest draws tenant, key and word per request. */
function requestsFor(kind, pool) {
  return () => [
    {
      method: 'GET',
      path: '/',
      headers: { accept: acceptOf(kind) },
      setupRequest: (req) => {
        const t = pickOf(pool);
        return { ...req, path: kind.path(t), headers: { ...req.headers, host: t.host } };
      },
    },
  ];
}

/** Requests `path(tenant)` once for every tenant, a few at a time; returns time and statuses. */
async function sweep(port, tenants, path, accept) {
  const agent = new Agent({ keepAlive: true, maxSockets: SWEEP_CONCURRENCY });
  const statuses = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < tenants.length) {
      const t = tenants[next++];
      const { status } = await get(port, t.host, path(t), { accept, agent });
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  const ms = performance.now() - started;
  return { tenants: tenants.length, ms: Math.round(ms), perSecond: Math.round(tenants.length / (ms / 1000)), statuses };
}

function parseJson(body, what) {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`${what} did not answer JSON: ${body.slice(0, 200)}`);
  }
}

/**
 * Checks every kind of request for the given tenants (all keys, all search words) and records the
 * tenant's online keys from its service list. Throws on any answer but 200 with the right body.
 * Returns the average body size per kind.
 */
async function checkTenants(port, tenants, kinds, expectedKeys) {
  const bytes = Object.fromEntries(KINDS.map((k) => [k.id, { sum: 0, n: 0 }]));
  const fetch200 = async (kind, t, path) => {
    const answer = await get(port, t.host, path, { accept: acceptOf(kind) });
    const what = `GET ${path} on ${t.host}`;
    if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    if (!kind.api && !String(answer.headers['content-type']).startsWith('text/html')) {
      throw new Error(`${what} did not answer HTML`);
    }
    bytes[kind.id].sum += Buffer.byteLength(answer.body);
    bytes[kind.id].n += 1;
    return answer;
  };
  for (const t of tenants) {
    const list = parseJson((await fetch200(KINDS[0], t, '/api/v1/services')).body, `${t.host} /api/v1/services`);
    if (!Array.isArray(list)) throw new Error(`${t.host}: the service list is not a list`);
    t.keys = list.filter((s) => s.type === 'online').map((s) => s.key);
    if (expectedKeys) {
      const missing = expectedKeys.filter((key) => !list.some((s) => s.key === key && s.type === 'online'));
      if (missing.length) {
        throw new Error(
          `${t.host}: the service list lacks the adopted services ${missing.join(', ')} ` +
            `(it has ${list.map((s) => `${s.key} (${s.type})`).join(', ') || 'nothing'})`,
        );
      }
    }
    for (const kind of kinds) {
      if (kind.id === 'apiList') continue;
      if (kind.pool === 'online') {
        for (const key of t.keys) {
          const path = kind.api ? `/api/v1/services/${key}` : `/leistungen/${key}`;
          const answer = await fetch200(kind, t, path);
          if (kind.api && parseJson(answer.body, path).key !== key)
            throw new Error(`${t.host}${path}: another service`);
        }
      } else if (kind.id === 'apiSearch' || kind.id === 'pageSearch') {
        for (const w of SEARCH_WORDS) {
          const path = `${kind.api ? '/api/v1/services' : '/leistungen'}?q=${encodeURIComponent(w)}`;
          const answer = await fetch200(kind, t, path);
          if (kind.api && !Array.isArray(parseJson(answer.body, path))) throw new Error(`${t.host}${path}: no list`);
        }
      } else {
        await fetch200(kind, t, kind.path(t));
      }
    }
  }
  return Object.fromEntries(Object.entries(bytes).map(([id, b]) => [id, b.n ? Math.round(b.sum / b.n) : 0]));
}

/* ------------------------------------------------------------------ database and CLI */

/**
 * `tenants sync <dir>` of the compiled CLI in a child process; resolves with its wall time and output.
 * It may take a minute per 1,000 new tenants before it is given up (a fixed 30 minutes stopped the
 * 100,000-tenant run shortly before its end).
 */
function syncThroughCli(dir, env, tenants) {
  const limitMinutes = Math.max(30, Math.ceil(tenants / 1000));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'tools', 'register-paths.cjs'), join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js')].concat([
        'tenants',
        'sync',
        dir,
      ]),
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lines = 0;
    let last = '';
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (stdout.length < 20_000) stdout += chunk;
      lines += chunk.split('\n').length - 1;
      last = (last + chunk).split('\n').filter(Boolean).slice(-1)[0] ?? last;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGKILL');
    }, limitMinutes * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      if (code !== 0) {
        reject(
          new Error(
            (stopped
              ? `tenants sync stopped at its limit of ${limitMinutes} min:\n`
              : `tenants sync exited with ${code} after ${ms} ms:\n`) +
              `${(stderr || stdout.split('\n').slice(-20).join('\n')).split('\n').slice(0, 20).join('\n')}`,
          ),
        );
      } else resolve({ ms, summary: last.trim(), lines });
    });
  });
}

async function withClient(url, work) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Size of the database and its biggest tables (with indexes and TOAST). */
const databaseSize = (db) =>
  withClient(db.ownerUrl, async (client) => {
    await client.query('vacuum analyze');
    const total = (await client.query('select pg_database_size(current_database())::bigint as bytes')).rows[0];
    const tables = await client.query(
      `select c.relname as name, pg_total_relation_size(c.oid)::bigint as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
        order by pg_total_relation_size(c.oid) desc limit 6`,
    );
    const counts = await client.query(
      `select (select count(*) from public.tenants)::int as tenants,
              (select count(*) from public.tenant_services)::int as services,
              (select count(*) from public.tenant_services where type = 'online')::int as online,
              (select count(*) from public.audit_log)::int as audit`,
    );
    return {
      bytes: Number(total.bytes),
      tables: Object.fromEntries(tables.rows.map((r) => [r.name, Number(r.bytes)])),
      rows: counts.rows[0],
    };
  });

/**
 * The plan of the catalogue's search (the statement of CatalogService.search) for one tenant and
 * word, as the application role with the tenant set, like the portal runs it.
 */
async function explainSearch(db, slug, q) {
  const { normalizeSearchText, prefixQuery } = require(
    join(ROOT, 'dist', 'libs', 'catalog', 'src', 'search', 'search-text.js'),
  );
  return withClient(db.ownerUrl, async (client) => {
    const id = (await client.query('select id from public.tenants where slug = $1', [slug])).rows[0]?.id;
    if (!id) return undefined;
    await client.query('begin');
    try {
      await client.query(`select set_config('role', 'openrathaus_app', true), set_config('app.tenant_id', $1, true)`, [
        id,
      ]);
      const { rows } = await client.query(
        `explain (analyze, buffers, format json)
         select key from (
           select key, title,
                  coalesce(ts_rank_cd(search, to_tsquery('german', $2)), 0) * 4 + word_similarity($3, search_text) as rank,
                  ($2::text is not null and search @@ to_tsquery('german', $2)) as hit
             from public.tenant_services
            where tenant_id = $1
              and (($2::text is not null and search @@ to_tsquery('german', $2)) or $3 <% search_text)
         ) found
         order by hit desc, rank desc, title
         limit 50`,
        [id, prefixQuery(q), normalizeSearchText(q)],
      );
      const plan = rows[0]['QUERY PLAN'][0];
      const nodes = [];
      const walk = (node, depth) => {
        nodes.push(
          `${'  '.repeat(depth)}${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}` +
            ` rows=${node['Actual Rows']} loops=${node['Actual Loops']} ${node['Actual Total Time']} ms` +
            (node['Rows Removed by Filter'] ? ` removed by filter=${node['Rows Removed by Filter']}` : '') +
            (node['Rows Removed by Index Recheck']
              ? ` removed by recheck=${node['Rows Removed by Index Recheck']}`
              : ''),
        );
        for (const child of node.Plans ?? []) walk(child, depth + 1);
      };
      walk(plan.Plan, 0);
      return { slug, q, executionMs: plan['Execution Time'], planningMs: plan['Planning Time'], plan: nodes };
    } finally {
      await client.query('rollback');
    }
  });
}

/* ------------------------------------------------------------------ main */

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const memory = async (server, label, log) => {
  const m = await serverMemory(server);
  const reading = { label, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
  log(`memory ${label}: RSS ${mb(m.rss)} MiB, heap used ${mb(m.heapUsed)} MiB, external ${mb(m.external)} MiB`);
  return reading;
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`[bench:catalog] ${line}\n`);
  if (!existsSync(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const pin = options.pin && canPin();
  if (pin) pinSelf();
  const startedAt = performance.now();
  const commit = gitCommit();
  const loadAverage = os.loadavg()[0];
  log(
    `${CORES} cores, load average ${loadAverage.toFixed(2)}; ` +
      `${pin ? 'server pinned to CPU 1, load generator to CPU 0' : 'no CPU pinning'}`,
  );

  const prefix = `or-bench-${randomBytes(4).toString('hex')}`;
  // Production refuses to start without a secret and an SMTP server: the CLI's `tenants sync` and
  // the portal share this secret, and a port where nothing listens (the benchmark sends no mail).
  const baseEnv = {
    ...process.env,
    NODE_ENV: 'production',
    APP_SECRET: process.env.APP_SECRET || randomBytes(32).toString('hex'),
    SMTP_URL: process.env.SMTP_URL || 'smtp://127.0.0.1:9',
  };
  const results = { rows: [], memory: {}, notes: [] };
  let server;
  let db;
  let dir;
  const cleanUp = async () => {
    if (server) await stopServer(server).catch(() => undefined);
    server = undefined;
    if (db) {
      await db.drop().catch((error) => log(`could not drop database ${db.name}: ${error.message}`));
      await cleanRedis(prefix).catch((error) => log(`could not clean Redis keys ${prefix}*: ${error.message}`));
      log(`database ${db.name} dropped, Redis keys ${prefix}* removed`);
      db = undefined;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  const interrupted = (signal) => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const row = (kind, tenants, result, bytes) => ({
    id: kind.id,
    label: kind.label,
    tenants,
    ...summary(result, bytes),
    machineCores: result.cpu.machineCores === undefined ? undefined : Number(result.cpu.machineCores.toFixed(2)),
  });

  try {
    // (1) bare Fastify, as bench/run.mjs measures it
    server = await startServer('bare', baseEnv, pin);
    const bareCheck = await get(server.port, 'localhost');
    if (bareCheck.status !== 200) throw new Error(`bare server answered ${bareCheck.status}`);
    const bareRequests = () =>
      Array.from({ length: 256 }, () => ({ method: 'GET', path: '/', headers: { accept: 'text/html' } }));
    const bare = await measure('bare fastify', server, bareRequests, options, log);
    results.bare = {
      label: 'bare Fastify hello-world `GET /`',
      ...summary(bare, Buffer.byteLength(bareCheck.body)),
      machineCores: bare.cpu.machineCores === undefined ? undefined : Number(bare.cpu.machineCores.toFixed(2)),
    };
    await stopServer(server);
    server = undefined;

    // (2) the demo tenants, from a copy of tenants/ that the synthetic ones join later
    dir = mkdtempSync(join(os.tmpdir(), 'or-bench-tenants-'));
    const demoSlugs = readdirSync(join(ROOT, 'tenants')).filter((slug) =>
      existsSync(join(ROOT, 'tenants', slug, 'tenant.yaml')),
    );
    for (const slug of demoSlugs) cpSync(join(ROOT, 'tenants', slug), join(dir, slug), { recursive: true });
    log(`creating and migrating a fresh database`);
    db = await createDatabase();
    const portalEnv = (sync) => ({
      ...baseEnv,
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.ownerUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      BENCH_TENANTS_DIR: dir,
      BENCH_SYNC_TENANTS: sync ? 'true' : 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    server = await startServer('portal', portalEnv(true), pin);
    results.demoStartMs = server.startMs;
    /** @type {{ slug: string, host: string, keys?: string[] }[]} */
    const demo = demoSlugs.map((slug) => ({ slug, host: `${slug}.localhost` }));
    results.demoTenants = demo.length;
    const memDemo = [await memory(server, 'after start', log)];

    // The pages may not exist yet: measured when /leistungen answers, skipped with a note on 404.
    const probe = await get(server.port, demo[0].host, '/leistungen');
    const pages = probe.status !== 404;
    if (!pages) results.notes.push('`/leistungen` answered 404: the HTML pages were not measured.');
    const kinds = KINDS.filter((k) => (k.api || pages) && (!options.only || options.only.includes(k.id)));
    log(`checking every kind of request on the ${demo.length} demo tenants`);
    const demoBytes = await checkTenants(server.port, demo, kinds);
    const demoOnline = demo.filter((t) => t.keys.length);
    if (!demoOnline.length) throw new Error('no demo tenant offers an online service');
    for (const kind of kinds) {
      const pool = kind.pool === 'online' ? demoOnline : demo;
      const result = await measure(`demo: ${kind.id}`, server, requestsFor(kind, pool), options, log);
      results.rows.push({ phase: 'demo', ...row(kind, pool.length, result, demoBytes[kind.id]) });
    }
    memDemo.push(await memory(server, 'after the runs', log));
    results.memory.demo = memDemo;
    await stopServer(server);
    server = undefined;

    // (3) N synthetic municipalities next to the demo tenants
    log(`writing ${fmt(options.tenants)} synthetic tenants to ${dir}`);
    const t0 = performance.now();
    const synthetic = writeSyntheticTenants(dir, options.tenants);
    results.generateMs = Math.round(performance.now() - t0);
    log(`syncing them with the CLI (tenants sync)`);
    const sync = await syncThroughCli(
      dir,
      {
        ...baseEnv,
        DATABASE_URL: db.appUrl,
        DATABASE_OWNER_URL: db.ownerUrl,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      options.tenants,
    );
    results.sync = { tenants: options.tenants, ms: sync.ms, summary: sync.summary };
    log(`sync: ${(sync.ms / 1000).toFixed(1)} s — ${sync.summary}`);
    results.database = await databaseSize(db);
    log(`database: ${mb(results.database.bytes)} MiB, ${JSON.stringify(results.database.rows)}`);

    // The portal syncs on start as well: every tenant unchanged, which is what each instance start costs.
    server = await startServer('portal', portalEnv(true), pin, { timeoutMs: 30 * 60_000 });
    results.syntheticStartMs = server.startMs;
    log(`portal started on ${fmt(options.tenants + demo.length)} tenants in ${(server.startMs / 1000).toFixed(1)} s`);
    const all = [...demo, ...synthetic.slugs.map((slug) => ({ slug, host: `${slug}.localhost`, keys: [] }))];
    const memAll = [await memory(server, 'after start', log)];

    // A few synthetic tenants (first, last, random) must serve what they adopted, every kind of request.
    const sample = [all[demo.length], all[all.length - 1], pickOf(all.slice(demo.length)), pickOf(demo)];
    log(`checking every kind of request on ${sample.map((t) => t.slug).join(', ')}`);
    const syntheticBytes = await checkTenants(server.port, sample.slice(0, 3), kinds, synthetic.keys);
    await checkTenants(server.port, sample.slice(3), kinds);
    for (const t of all.slice(demo.length)) t.keys = synthetic.keys;

    // Every tenant requested once, memory read after each sweep: first a request that touches no
    // catalogue (what the request path keeps per tenant, e.g. metrics), then the service list (the
    // catalogue resolves the tenant's services and keeps them), then the page (the page cache).
    const sweeps = [
      { id: 'requestPath', what: 'GET /api/v1/lebenslagen', path: '/api/v1/lebenslagen', accept: 'application/json' },
      { id: 'catalogue', what: 'service list', path: '/api/v1/services', accept: 'application/json' },
      ...(pages ? [{ id: 'pages', what: '/leistungen page', path: '/leistungen', accept: 'text/html' }] : []),
    ];
    results.sweeps = [];
    for (const s of sweeps) {
      log(`requesting every tenant's ${s.what} once`);
      const done = await sweep(server.port, all, () => s.path, s.accept);
      log(`  ${fmt(done.perSecond)} tenants/s, statuses ${JSON.stringify(done.statuses)}`);
      const bad = Object.entries(done.statuses).filter(([status]) => status !== '200');
      if (bad.length)
        throw new Error(`GET ${s.path} over all tenants got answers other than 200: ${JSON.stringify(bad)}`);
      const before = memAll[memAll.length - 1];
      const after = await memory(server, `after every tenant's ${s.what}`, log);
      memAll.push(after);
      const per = (field) => Math.round((after[field] - before[field]) / all.length);
      results.sweeps.push({
        ...s,
        ...done,
        bytesPerTenant: { heapUsed: per('heapUsed'), external: per('external'), rss: per('rss') },
      });
    }

    const online = all.filter((t) => t.keys.length);
    for (const kind of kinds) {
      const pool = kind.pool === 'online' ? online : all;
      const result = await measure(
        `${fmt(all.length)} tenants: ${kind.id}`,
        server,
        requestsFor(kind, pool),
        options,
        log,
      );
      results.rows.push({ phase: 'synthetic', ...row(kind, pool.length, result, syntheticBytes[kind.id]) });
    }
    memAll.push(await memory(server, 'after the runs', log));
    results.memory.synthetic = memAll;
    results.searchPlans = [
      await explainSearch(db, all[demo.length].slug, 'Urkunde'),
      await explainSearch(db, all[demo.length].slug, 'Führungszeugnis'),
    ];
    for (const p of results.searchPlans.filter(Boolean)) {
      log(`search plan for "${p.q}" on ${p.slug}: ${p.executionMs} ms\n    ${p.plan.join('\n    ')}`);
    }
  } finally {
    await cleanUp();
  }

  /* ---------------------------------------------------------------- report */
  const tenantsTotal = options.tenants + results.demoTenants;
  const startDemo = results.memory.demo[0];
  const startAll = results.memory.synthetic[0];
  // What a tenant costs the instance from the start, registry included (the demo portal as the base).
  results.registryBytesPerTenant = {
    heapUsed: Math.round((startAll.heapUsed - startDemo.heapUsed) / options.tenants),
    rss: Math.round((startAll.rss - startDemo.rss) / options.tenants),
  };
  const report = {
    date: new Date().toISOString(),
    commit,
    machine: machine(),
    loadAverageAtStart: Number(loadAverage.toFixed(2)),
    options: { ...options, pin },
    database: results.database && { ...results.database, adminUrl: new URL(PG_ADMIN_URL).host },
    referenceCity: REFERENCE_CITY,
    searchWords: SEARCH_WORDS,
    totalSeconds: Math.round((performance.now() - startedAt) / 1000),
    ...results,
  };
  const out = RESULTS_DIR;
  mkdirSync(out, { recursive: true });
  const file = join(out, `catalog-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  // Per kind of request, one bar per tenant count (the demo tenants, then all of them), bare Fastify above.
  const phaseName = (r) => `${fmt(r.phase === 'demo' ? results.demoTenants : tenantsTotal)} tenants`;
  const kindGroups = (value) => [
    { label: 'bare Fastify hello-world', bars: [{ series: 'bare', value: value(results.bare) }] },
    ...KINDS.filter((k) => results.rows.some((r) => r.id === k.id)).map((k) => ({
      label: k.label.replace(/`/g, ''),
      bars: results.rows.filter((r) => r.id === k.id).map((r) => ({ series: phaseName(r), value: value(r) })),
    })),
  ];
  const charts = writeCharts(out, `catalog-${report.date.replace(/[:.]/g, '-')}`, {
    throughput: barChart({
      title: `Catalogue at ${fmt(results.demoTenants)} and ${fmt(tenantsTotal)} tenants: throughput`,
      unit: 'requests per second',
      groups: kindGroups((r) => r.requestsPerSecond),
    }),
    latency: barChart({
      title: `Catalogue at ${fmt(results.demoTenants)} and ${fmt(tenantsTotal)} tenants: latency p99`,
      unit: 'milliseconds (p99)',
      groups: kindGroups((r) => r.latencyMs.p99),
    }),
  });

  const bareRps = results.bare.requestsPerSecond;
  // Cores the rest of the machine used meanwhile: PostgreSQL, Redis and anything else running.
  const rest = (r) =>
    r.machineCores === undefined
      ? '–'
      : Math.max(0, r.machineCores - r.cpuOfOneCore.server - r.cpuOfOneCore.loadGenerator).toFixed(2);
  const line = (label, tenants, r) =>
    `| ${label} | ${tenants ? fmt(tenants) : '–'} | ${fmt(r.requestsPerSecond)} | ${r.latencyMs.p99} | ` +
    `${r === results.bare ? '1' : (r.requestsPerSecond / bareRps).toFixed(3)} | ${fmt(r.bytesPerResponse)} | ` +
    `${r.non2xx} | ${r.errors + r.timeouts} | ${pct(r.cpuOfOneCore.server)} | ${pct(r.cpuOfOneCore.loadGenerator)} | ` +
    `${rest(r)} |`;
  const memLine = (m) => `${m.label}: RSS ${mb(m.rss)} MiB, heap used ${mb(m.heapUsed)} MiB`;
  console.log(
    [
      '',
      `${options.duration} s per row after ${options.warmup} s warm-up, ${options.connections} connections, ` +
        `${report.machine.cores} cores (${report.machine.cpu}), Node ${process.version}` +
        (pin ? ', server on CPU 1 and autocannon on CPU 0' : '') +
        `, load average at start ${report.loadAverageAtStart}`,
      '',
      '| request | tenants | req/s | p99 ms | / bare | bytes | non-2xx | errors | server CPU | autocannon CPU | rest of machine, cores |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      line(results.bare.label, 0, results.bare),
      ...results.rows.map((r) => line(r.label, r.tenants, r)),
      '',
      `sync of ${fmt(options.tenants)} new tenants (CLI \`tenants sync\`, start included): ` +
        `${(results.sync.ms / 1000).toFixed(1)} s — ${results.sync.summary}`,
      `portal start with ${fmt(tenantsTotal)} tenants (sync on start, all unchanged): ` +
        `${(results.syntheticStartMs / 1000).toFixed(1)} s (demo only: ${(results.demoStartMs / 1000).toFixed(1)} s)`,
      `database: ${mb(results.database.bytes)} MiB; ` +
        Object.entries(results.database.tables)
          .map(([name, bytes]) => `${name} ${mb(bytes)} MiB`)
          .join(', '),
      ...results.sweeps.map(
        (w) =>
          `first request of every tenant for its ${w.what}: ${fmt(w.perSecond)} tenants/s (${SWEEP_CONCURRENCY} at a time)`,
      ),
      '',
      `memory, ${fmt(results.demoTenants)} demo tenants — ${results.memory.demo.map(memLine).join('; ')}`,
      `memory, ${fmt(tenantsTotal)} tenants:`,
      ...results.memory.synthetic.map((m) => `  ${memLine(m)}`),
      `memory per tenant: registry at start ${fmt(results.registryBytesPerTenant.heapUsed)} bytes of heap` +
        ` (RSS ${fmt(results.registryBytesPerTenant.rss)})`,
      ...results.sweeps.map(
        (w) =>
          `  + after its ${w.what}: ${fmt(w.bytesPerTenant.heapUsed)} bytes of heap, ` +
          `${fmt(w.bytesPerTenant.external)} external (Buffers), RSS ${fmt(w.bytesPerTenant.rss)}`,
      ),
      ...(results.searchPlans ?? [])
        .filter(Boolean)
        .map((p) => `search "${p.q}" on ${p.slug}: ${p.executionMs} ms in PostgreSQL (plan in the JSON)`),
      ...results.notes,
      `JSON: ${file}`,
      `charts: ${charts.join(', ')}`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(`[bench:catalog] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
