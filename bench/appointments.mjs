#!/usr/bin/env node
/**
 * Appointments under load: the free times of one office for a month with 10,000 bookings in its
 * calendar, and bookings per second under 50 concurrent clients, each against a plain baseline in
 * the same run on the same database.
 *
 *   npm run build && node bench/appointments.mjs [--bookings 10000] [--clients 50] [--duration 10] [--short]
 *
 * 1. A fresh database (real PostgreSQL), migrated; the compiled portal (production mode, Redis)
 *    starts and syncs the demo tenants.
 * 2. `--bookings` confirmed bookings of five minutes at Duisburg's Bürgerservice (six counters) over
 *    its 60-day horizon, on random free counters and steps, written as the schema owner.
 * 3. Free times: `--clients` / 5 closed loops ask `GET /api/v1/appointments/slots` for the office's next
 *    31 days for `--duration` seconds; baseline: the one SQL query of taken steps behind it, as the
 *    application role with the tenant set (row-level security on), over a pool of the same size.
 * 4. Bookings: `--clients` closed loops post `POST /api/v1/appointments` at random start times of the
 *    office (each a new address; a time taken meanwhile answers 409, counted apart); baseline: the
 *    same number of clients inserting the same booking row into `appointments` with a plain
 *    `insert` (no slot rows, no checks, no mail), as the application role in a transaction.
 * `--short` (CI-sized): 1,000 bookings, 3 seconds each.
 * Results: a markdown table on stdout and bench/results/appointments-<date>.json (git-ignored).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  REDIS_URL,
  ROOT,
  cleanRedis,
  createDatabase,
  fmt,
  gitCommit,
  machine,
  startServer,
  stopServer,
} from './lib/harness.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const { Pool } = require('pg');

const TENANT = 'duisburg';
const HOST = `${TENANT}.localhost`;
const OFFICE = 'buergerbuero';
const SERVICE = 'fuehrungszeugnis';

function parseArgs(argv) {
  const short = argv.includes('--short');
  const options = { bookings: short ? 1000 : 10_000, clients: 50, duration: short ? 3 : 10, short };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key in options && key !== 'short') options[key] = Number(argv[++i]);
  }
  return options;
}

const log = (message) => process.stderr.write(`[appointments] ${message}\n`);

/** Percentiles of a list of milliseconds. */
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/** `clients` closed loops running `once` for `seconds`; latencies and counts by outcome. */
async function closedLoops(clients, seconds, once) {
  const until = performance.now() + seconds * 1000;
  const latencies = [];
  const outcomes = {};
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const outcome = await once();
        latencies.push(performance.now() - started);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  return {
    count: latencies.length,
    perSecond: latencies.length / seconds,
    latencyMs: percentiles(latencies),
    outcomes,
  };
}

function http(port, method, path, body, agent) {
  return new Promise((resolve, reject) => {
    const data = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method,
        path,
        agent,
        headers: {
          host: HOST,
          accept: 'application/json',
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
      },
      (res) => {
        res.on('error', reject);
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  require(join(ROOT, 'tools', 'register-paths.cjs'));
  const lib = require(join(ROOT, 'dist', 'libs', 'appointments', 'src', 'index.js'));
  const { loadTenantFolder } = require(join(ROOT, 'dist', 'libs', 'tenancy', 'src', 'index.js'));
  log('creating and migrating a fresh database');
  const db = await createDatabase();
  const prefix = `or-bench-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    APP_SECRET: randomBytes(32).toString('hex'),
    RUN_WORKER: 'false',
    STORAGE_DIR: join(ROOT, '.data', `bench-files-${prefix}`),
  };
  const owner = new Pool({ connectionString: db.ownerUrl, max: 4 });
  const app = new Pool({ connectionString: db.appUrl, max: options.clients });
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const results = { commit: gitCommit(), machine: machine(), options, at: new Date().toISOString() };
  let portal;
  try {
    portal = await startServer('portal', env, false);
    log(`portal started in ${portal.startMs} ms`);
    const [{ id: tenantId }] = (await owner.query(`select id from public.tenants where slug = $1`, [TENANT])).rows;
    const file = loadTenantFolder(join(ROOT, 'tenants', TENANT));
    const tenant = { id: tenantId, ags: file.config.ags, config: file.config };
    const office = lib.bookableOffice(tenant, OFFICE);
    const now = new Date();
    const today = lib.wallTime(now).date;
    const { earliest } = lib.bookingWindow(office, now);
    // Every (counter, step) of the horizon, shuffled: the first `bookings` become bookings.
    const steps = [];
    for (let d = lib.addDays(today, 1); d <= lib.addDays(today, office.calendar.horizonDays); d = lib.addDays(d, 1)) {
      for (const [from, to] of lib.openIntervals(office, d)) {
        for (let t = from.getTime(); t < to.getTime(); t += 5 * 60_000) {
          if (t >= earliest.getTime()) for (let c = 1; c <= office.calendar.counters; c++) steps.push([c, t]);
        }
      }
    }
    for (let i = steps.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [steps[i], steps[j]] = [steps[j], steps[i]];
    }
    const taken = steps.slice(0, Math.min(options.bookings, steps.length - 2000));
    log(`seeding ${fmt(taken.length)} bookings into ${fmt(steps.length)} counter steps of ${OFFICE}`);
    const seeded = performance.now();
    for (let i = 0; i < taken.length; i += 1000) {
      const batch = taken.slice(i, i + 1000).map(([counter, t]) => ({ id: randomUUID(), counter, t }));
      await owner.query(
        `insert into public.appointments (tenant_id, id, office, service, persons, counter, start_at, end_at, status, name, email)
         select $1, b.id, $2, $3, 1, b.counter, b.t, b.t + interval '5 minutes', 'confirmed', 'Bench', 'bench@example.org'
           from unnest($4::uuid[], $5::int[], $6::timestamptz[]) as b(id, counter, t)`,
        [
          tenantId,
          OFFICE,
          SERVICE,
          batch.map((b) => b.id),
          batch.map((b) => b.counter),
          batch.map((b) => new Date(b.t)),
        ],
      );
      await owner.query(
        `insert into public.appointment_slots (tenant_id, office, counter, slot_at, appointment_id)
         select $1, $2, b.counter, b.t, b.id from unnest($3::uuid[], $4::int[], $5::timestamptz[]) as b(id, counter, t)`,
        [tenantId, OFFICE, batch.map((b) => b.id), batch.map((b) => b.counter), batch.map((b) => new Date(b.t))],
      );
    }
    await owner.query('vacuum analyze public.appointments, public.appointment_slots');
    results.seedSeconds = (performance.now() - seeded) / 1000;
    results.seeded = taken.length;

    const to = lib.addDays(today, 30);
    const slotsPath = `/api/v1/appointments/slots?office=${OFFICE}&service=${SERVICE}&from=${today}&to=${to}`;
    const readers = Math.max(1, Math.round(options.clients / 5));
    log(`free times for a month: ${readers} clients, ${options.duration} s`);
    results.slots = await closedLoops(readers, options.duration, async () =>
      String(await http(portal.port, 'GET', slotsPath, undefined, agent)),
    );
    const fromInstant = lib.berlinInstant(today, 0);
    const toInstant = lib.berlinInstant(lib.addDays(to, 1), 0);
    results.slotsQuery = await closedLoops(readers, options.duration, async () => {
      const client = await app.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        await client.query(
          `select s.counter, s.slot_at from public.appointment_slots s
             left join public.appointments a on a.tenant_id = s.tenant_id and a.id = s.appointment_id
            where s.office = $1 and s.slot_at >= $2 and s.slot_at < $3
              and not (a.status is not null and a.status = 'held' and a.hold_until <= $4)`,
          [OFFICE, fromInstant, toInstant, new Date()],
        );
        await client.query('commit');
        return 'ok';
      } finally {
        client.release();
      }
    });

    const free = steps.slice(taken.length).map(([, t]) => new Date(t));
    const iso = (d) => lib.berlinIso(d);
    let serial = 0;
    log(`bookings: ${options.clients} clients, ${options.duration} s`);
    results.bookings = await closedLoops(options.clients, options.duration, async () => {
      const start = free[Math.floor(Math.random() * free.length)];
      const n = ++serial;
      return String(
        await http(
          portal.port,
          'POST',
          '/api/v1/appointments',
          {
            office: OFFICE,
            service: SERVICE,
            start: iso(start),
            name: `Person ${n}`,
            email: `bench-${n}-${prefix}@example.org`,
          },
          agent,
        ),
      );
    });
    log(`plain inserts: ${options.clients} clients, ${options.duration} s`);
    results.plainInsert = await closedLoops(options.clients, options.duration, async () => {
      const start = free[Math.floor(Math.random() * free.length)];
      const client = await app.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        await client.query(
          `insert into public.appointments (tenant_id, id, office, service, persons, counter, start_at, end_at, status, name, email, hold_until)
           values ($1, $2, $3, $4, 1, 1, $5, $6, 'held', 'Plain', 'plain@example.org', $6)`,
          [tenantId, randomUUID(), OFFICE, SERVICE, start, new Date(start.getTime() + 5 * 60_000)],
        );
        await client.query('commit');
        return 'ok';
      } finally {
        client.release();
      }
    });
  } finally {
    if (portal) await stopServer(portal);
    await owner.end();
    await app.end();
    await db.drop();
    await cleanRedis(prefix);
    agent.destroy();
  }

  const ms = (n) => n.toFixed(1);
  const row = (what, r, base) =>
    `| ${what} | ${fmt(r.count)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${fmt(Math.round(r.perSecond))} | ${base ? (r.perSecond / base.perSecond).toFixed(2) : ''} | ${Object.entries(
      r.outcomes,
    )
      .map(([k, v]) => `${k}: ${fmt(v)}`)
      .join(', ')} |`;
  const lines = [
    `${fmt(results.seeded)} bookings at ${TENANT}/${OFFICE} (${options.short ? 'short form' : 'full'}), ${options.duration} s per case`,
    '',
    '| case | requests | p50 ms | p99 ms | per second | / baseline | answers |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row(
      `free times, 31 days, HTTP (${Math.max(1, Math.round(options.clients / 5))} clients)`,
      results.slots,
      results.slotsQuery,
    ),
    row('taken-steps query, app role + RLS (baseline)', results.slotsQuery),
    row(`bookings, HTTP (${options.clients} clients)`, results.bookings, results.plainInsert),
    row('plain insert, app role + RLS (baseline)', results.plainInsert),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(ROOT, 'bench', 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `appointments-${results.at.slice(0, 10)}.json`), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
