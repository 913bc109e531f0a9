#!/usr/bin/env node
/**
 * The back office inbox on a tenant with one million submitted applications: latency and throughput
 * of `GET /api/v1/backoffice/applications` against the same SELECT sent straight to PostgreSQL, in
 * the same run, on the same database.
 *
 *   npm run build && npm run bench:inbox -- [--rows 1000000] [--other 50000] [--duration 20] [--warmup 3]
 *                                           [--clients 8] [--only a,b1] [--keep] [--db or_bench_…]
 *                                           [--short]   (100,000 rows, 1 s per kind: what `npm test` runs)
 *
 * 1. A fresh database (real PostgreSQL), migrated; the portal (compiled, production mode, Redis)
 *    starts and syncs the demo tenants.
 * 2. `--rows` synthetic submitted applications for recklinghausen and `--other` for gelsenkirchen
 *    (so that row-level security has rows to exclude), written by `generate_series` in batches as the
 *    schema owner inside the tenant's `app.tenant_id`; then `vacuum analyze`. Timed.
 * 3. A tenant admin from the CLI (`staff add`), logged in over HTTP by following the login's `next`
 *    step (password change, TOTP enrolment, TOTP code; see staffLogin()).
 * 4. Per request kind, `--clients` closed loops on keep-alive connections for `--duration` seconds
 *    after `--warmup`: the portal over HTTP, then the inbox's own SQL (built by the compiled
 *    CaseworkRepository) over a `pg` pool of the same size: as `openrathaus_app` in a transaction
 *    with `app.tenant_id` (RLS on, the round trips the portal makes), and as the owner with the
 *    tenant in the WHERE clause and no transaction (no RLS).
 * Results: a markdown table on stdout, JSON with `EXPLAIN (ANALYZE, BUFFERS)` of every query (as the
 * application role) in bench/results/inbox-<date>.json (git-ignored).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import {
  CORES,
  PG_ADMIN_URL,
  REDIS_URL,
  ROOT,
  cleanRedis,
  createDatabase,
  fmt,
  gitCommit,
  machine,
  machineTicks,
  serverCpu,
  startServer,
  stopServer,
  RESULTS_DIR,
  SHORT,
} from './lib/harness.mjs';

const require = createRequire(join(ROOT, 'package.json'));
// The TOTP arithmetic of the platform's own library (RFC 6238), as an authenticator app does it.
const OTPAuth = require('otpauth');
const { Client, Pool } = require('pg');

const TENANT = 'recklinghausen';
const OTHER_TENANT = 'gelsenkirchen';
const HOST = `${TENANT}.localhost`;
const INBOX = '/api/v1/backoffice/applications';
const GOAL_P99_MS = 50;
/** A surname given to one application in 100,000: the rare name a caseworker looks up. */
const RARE_SURNAME = 'Quadflieg';
/** One of the common surnames (about one application in 50). */
const COMMON_SURNAME = 'Schmidt';
const DEEP_PAGE = 21;

/** The services the synthetic applications are for, with their share in per cent; each goes to its office. */
const SERVICES = [
  ['bewohnerparkausweis', 30],
  ['gewerbeanzeige', 25],
  ['meldebescheinigung', 25],
  ['hundesteuer', 12],
  ['geburtsurkunde', 8],
];
/** Statuses in per cent: of the last 45 days (mostly open), and of older ones (mostly decided, a few stuck). */
const RECENT_STATUSES = [
  ['submitted', 15],
  ['payment_pending', 5],
  ['paid', 15],
  ['in_review', 30],
  ['needs_info', 10],
  ['approved', 10],
  ['completed', 10],
  ['rejected', 5],
];
const OLD_STATUSES = [
  ['in_review', 3],
  ['needs_info', 2],
  ['paid', 1],
  ['approved', 2],
  ['completed', 72],
  ['rejected', 12],
  ['withdrawn', 8],
];
const GIVEN = [
  'Erika',
  'Max',
  'Ayşe',
  'Jan',
  'Sophie',
  'Lukas',
  'Mia',
  'Ben',
  'Lea',
  'Paul',
  'Emma',
  'Finn',
  'Hannah',
  'Elias',
  'Emilia',
  'Noah',
  'Lina',
  'Leon',
  'Marie',
  'Felix',
  'Zeynep',
  'Mehmet',
  'Anna',
  'Jonas',
  'Katarzyna',
  'Piotr',
  'Olga',
  'Dmitri',
  'Fatma',
  'Ali',
];
const FAMILY = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Schmitz',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Schulze',
  'Maier',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Mayer',
  'Huber',
  'Kaiser',
  'Fuchs',
  'Peters',
  'Lang',
  'Scholz',
  'Möller',
  'Weiß',
  'Jung',
  'Hahn',
  'Yılmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Çelik',
  'Nowak',
  'Kowalski',
  'Wiśniewski',
  'Popescu',
  'Ivanov',
  'Rossi',
];

function parseArgs(argv) {
  const options = {
    rows: SHORT ? 100_000 : 1_000_000,
    other: SHORT ? 1_000 : 50_000,
    duration: SHORT ? 1 : 20,
    warmup: SHORT ? 0 : 3,
    clients: SHORT ? 2 : 8,
    only: null,
    keep: false,
    db: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--short') continue;
    if (flag === '--rows') options.rows = Number(value());
    else if (flag === '--other') options.other = Number(value());
    else if (flag === '--duration') options.duration = Number(value());
    else if (flag === '--warmup') options.warmup = Number(value());
    else if (flag === '--clients') options.clients = Number(value());
    else if (flag === '--only') options.only = value().split(',');
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--db') options.db = value();
    else
      throw new Error(
        `unknown option ${argv[i]} (known: --rows, --other, --duration, --warmup, --clients, --only, --keep, --db)`,
      );
  }
  for (const key of ['rows', 'other', 'duration', 'warmup', 'clients']) {
    if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`--${key} must be a whole number`);
  }
  if (options.rows < 100_000) throw new Error('--rows must be at least 100000 (the rare surname needs them)');
  if (options.duration < 1 || options.clients < 1) throw new Error('--duration and --clients must be at least 1');
  if (options.db !== null && !/^or_bench_[0-9a-f]{10}$/.test(options.db))
    throw new Error('--db names a kept or_bench_… database');
  return options;
}

/** 100 slots, each naming the entry whose share covers it: `slots[h % 100]` draws by share. */
function slots(shares) {
  const out = [];
  shares.forEach(([, share], index) => out.push(...Array(share).fill(index + 1)));
  if (out.length !== 100) throw new Error('shares must add up to 100');
  return out;
}

/* ------------------------------------------------------------------ data */

/**
 * Writes `count` submitted applications of one tenant in batches, each one `insert … select` over
 * `generate_series` as the schema owner inside the tenant's RLS context (as test/support-casework.ts
 * does). Everything is derived from the row number and its hashes, so every run has the same data:
 * submission times evenly over three years back from now (row 1 the newest), statuses by age, the
 * office of the service, an assignee once someone works on it, names, e-mails and numbers.
 */
async function generate(ownerUrl, slug, prefix, count, log) {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const [tenant] = (await client.query(`select id from public.tenants where slug = $1`, [slug])).rows;
    if (!tenant) throw new Error(`tenant ${slug} is missing: did the portal sync the tenants?`);
    const { rows: services } = await client.query(
      `select s.key, s.definition_id, d.owner_slug || '/' || d.key || '@' || d.version as ref,
              coalesce(s.parameters->>'office', '') as office
         from public.tenant_services s join public.process_definitions d on d.id = s.definition_id
        where s.tenant_id = $1 and s.type = 'online' and s.key = any($2::text[])`,
      [tenant.id, SERVICES.map(([key]) => key)],
    );
    const byKey = new Map(services.map((s) => [s.key, s]));
    const missing = SERVICES.filter(([key]) => !byKey.has(key)).map(([key]) => key);
    if (missing.length) throw new Error(`${slug} offers no online service ${missing.join(', ')}`);
    const ordered = SERVICES.map(([key]) => byKey.get(key));
    const staff = Array.from({ length: 24 }, (_, i) => `00000000-0000-4000-a000-${String(i + 1).padStart(12, '0')}`);
    // Small batches: the counts trigger updates the same few rows of application_counts once per
    // row, and within one transaction every update walks the versions the earlier ones left.
    const batch = 10_000;
    for (let lo = 1; lo <= count; lo += batch) {
      const hi = Math.min(count, lo + batch - 1);
      await client.query('begin');
      await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant.id]);
      await client.query(
        `insert into public.applications (tenant_id, service_key, definition_id, definition_ref, status, answers,
                parameters, number, locale, step_index, fee_cents, submitted_at, status_changed_at, decided_at,
                office, assignee_id, applicant_name, applicant_email, created_at, updated_at)
         select $1, ($2::text[])[v.s], ($3::uuid[])[v.s], ($4::text[])[v.s], v.status, '{}', '{}',
                $5 || '-' || extract(year from v.submitted_at at time zone 'Europe/Berlin') || '-' || lpad(i::text, 7, '0'),
                case when v.h3 % 5 = 0 then 'en' else 'de' end, 0, 2600, v.submitted_at,
                v.submitted_at + v.hours * interval '1 hour',
                case when v.status in ('approved', 'rejected', 'completed', 'withdrawn')
                     then v.submitted_at + v.hours * interval '1 hour' end,
                ($6::text[])[v.s],
                case when v.status not in ('submitted', 'payment_pending', 'paid')
                     then ($7::uuid[])[1 + v.h3 % cardinality($7::uuid[])] end,
                v.given || ' ' || v.family,
                lower(translate(v.given || '.' || v.family, 'äöüßışçęńśźżłİŞÇ', 'aousiscenszzliSC')) || '.' || i || '@example.org',
                v.submitted_at, v.submitted_at + v.hours * interval '1 hour'
           from generate_series($8::int, $9::int) as i,
                lateral (select hashint4(i) & 2147483647 as h1, hashint4(i # 1431655765) & 2147483647 as h2,
                                hashint4(-i) & 2147483647 as h3) as h,
                lateral (select now() - make_interval(secs => (i - 1 + (h.h1 % 1000) / 1000.0) / $10::float8 * 1095 * 86400)
                                  as submitted_at) as t,
                lateral (select ($11::int[])[1 + h.h1 % 100] as s,
                                case when t.submitted_at > now() - interval '45 days'
                                     then ($12::text[])[($13::int[])[1 + h.h2 % 100]]
                                     else ($14::text[])[($15::int[])[1 + h.h2 % 100]] end as status,
                                4 + h.h3 % 400 as hours,
                                h.h3,
                                ($16::text[])[1 + h.h2 % cardinality($16::text[])] as given,
                                case when i % 100000 = 4242 then $18
                                     else ($17::text[])[1 + h.h3 % cardinality($17::text[])] end as family,
                                t.submitted_at) as v`,
        [
          tenant.id,
          ordered.map((s) => s.key),
          ordered.map((s) => s.definition_id),
          ordered.map((s) => s.ref),
          prefix,
          ordered.map((s) => s.office),
          staff,
          lo,
          hi,
          count,
          slots(SERVICES),
          RECENT_STATUSES.map(([s]) => s),
          slots(RECENT_STATUSES),
          OLD_STATUSES.map(([s]) => s),
          slots(OLD_STATUSES),
          GIVEN,
          FAMILY,
          RARE_SURNAME,
        ],
      );
      await client.query('commit');
      if (hi % 100_000 === 0 || hi === count) log(`${slug}: ${fmt(hi)} of ${fmt(count)} applications`);
    }
    return tenant.id;
  } finally {
    await client.end();
  }
}

/* ------------------------------------------------------------------ HTTP */

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request to the portal on 127.0.0.1 with the tenant's Host header; a jar, when given, sends and
 * keeps the cookies. Resolves with status, headers and the body (parsed when JSON).
 * @param {number} port
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, jar?: { cookie?: string }, parse?: boolean }} [options]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: any }>}
 */
function call(port, method, path, { body, jar, parse = true } = {}) {
  /** @type {Record<string, string>} */
  const headers = { host: HOST, accept: 'application/json' };
  if (jar?.cookie) headers.cookie = jar.cookie;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const raw = res.headers['set-cookie'];
        if (jar && raw) {
          const cookies = new Map(
            (jar.cookie ?? '')
              .split('; ')
              .filter(Boolean)
              .map((c) => /** @type {[string, string]} */ (c.split(/=(.*)/s).slice(0, 2))),
          );
          for (const line of Array.isArray(raw) ? raw : [raw]) {
            const [name, value] = line.split(';')[0].split(/=(.*)/s);
            if (value) cookies.set(name, value);
            else cookies.delete(name);
          }
          jar.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        }
        const json = parse && (res.headers['content-type'] ?? '').includes('json') && text;
        resolve({ status: res.statusCode, headers: res.headers, body: json ? JSON.parse(text) : text });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

function expectStatus(result, statuses, what) {
  if (!statuses.includes(result.status)) {
    const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    throw new Error(`${what}: HTTP ${result.status} ${body.slice(0, 300)}`);
  }
  return result;
}

/** Creates a tenant admin with the command line, as an operator does; resolves with its one-time password. */
function addStaff(env, email) {
  const args = ['-r', './tools/register-paths.cjs', 'dist/apps/cli/src/main.js', 'staff', 'add'];
  args.push('--tenant', TENANT, '--email', email, '--role', 'tenant-admin');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const password = /one-time password: (\S+)/.exec(out)?.[1];
      if (code === 0 && password) resolve(password);
      else reject(new Error(`staff add failed (${code}): ${err || out}`));
    });
  });
}

/**
 * Logs a new member of staff in over the API and takes the account through whatever the login asks
 * for next, until it answers `next: null`: `change_password` (POST /password), `enrol_totp`
 * (POST /totp for the otpauth URI, POST /totp/confirm with a code), `totp` (the login again with a
 * code). A login that answers no `next` (the login before TOTP) is read by its `mustChangePassword`.
 * Codes are computed from the URI's secret (with the `otpauth` library the portal uses); a time step is used once, so a
 * second code may wait for the next step (at most 30 s). Resolves with the cookie jar (`or_staff`).
 */
async function staffLogin(port, email, oneTime, log) {
  const jar = {};
  let password = oneTime;
  let otp;
  let lastStep = -1;
  let code;
  const freshCode = async () => {
    if (!otp) throw new Error('the login asks for a TOTP code, but no authenticator was enrolled');
    // A code is accepted once per time step: wait for the next step when this one was used.
    let step = Math.floor(Date.now() / 1000 / otp.period);
    if (step <= lastStep) {
      const wait = (lastStep + 1) * otp.period * 1000 - Date.now() + 50;
      log(`login: waiting ${Math.ceil(wait / 1000)} s for the next TOTP time step`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      step = Math.floor(Date.now() / 1000 / otp.period);
    }
    lastStep = step;
    return otp.generate({ timestamp: step * otp.period * 1000 });
  };
  /** What a step's answer says comes next; undefined when it says nothing (then log in again). */
  const nextOf = (body) =>
    body && typeof body === 'object' && 'next' in body
      ? body.next
      : body && typeof body === 'object' && 'mustChangePassword' in body
        ? body.mustChangePassword
          ? 'change_password'
          : null
        : undefined;
  let next;
  for (let round = 0; round < 10; round++) {
    if (next === undefined) {
      const login = await call(port, 'POST', '/api/v1/backoffice/login', {
        body: { email, password, ...(code ? { code } : {}) },
        jar,
      });
      expectStatus(login, [200], 'staff login');
      code = undefined;
      next = nextOf(login.body);
    }
    log(`login: next ${next}`);
    if (next === null) {
      if (!/(^|; )or_staff=/.test(jar.cookie ?? '')) throw new Error('the login set no or_staff cookie');
      return { jar, password, totp: Boolean(otp) };
    }
    const step = next;
    next = undefined;
    if (step === 'change_password') {
      const newPassword = `Bench-${randomBytes(9).toString('base64url')}`;
      const changed = await call(port, 'POST', '/api/v1/backoffice/password', {
        body: { password, newPassword },
        jar,
      });
      expectStatus(changed, [200, 204], 'password change');
      password = newPassword;
      next = nextOf(changed.body);
    } else if (step === 'enrol_totp') {
      const enrol = expectStatus(
        await call(port, 'POST', '/api/v1/backoffice/totp', { body: {}, jar }),
        [200, 201],
        'enrol TOTP',
      );
      otp = OTPAuth.URI.parse(enrol.body.otpauthUri);
      const confirmed = await call(port, 'POST', '/api/v1/backoffice/totp/confirm', {
        body: { code: await freshCode() },
        jar,
      });
      expectStatus(confirmed, [200, 204], 'confirm TOTP');
      next = nextOf(confirmed.body);
    } else if (step === 'totp') {
      code = await freshCode();
    } else {
      throw new Error(`the login asks for an unknown step: ${JSON.stringify(step)}`);
    }
  }
  throw new Error('the login did not finish in 10 steps');
}

/* ------------------------------------------------------------------ load */

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * `clients` loops, each sending `once()` again as soon as the last one is answered, for `seconds`;
 * latency per call from a monotonic clock (sub-millisecond).
 */
async function closedLoop(seconds, clients, once) {
  const latencies = [];
  let errors = 0;
  /** @type {any} */
  let lastError;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await once();
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          lastError = error;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (ms) => Number(ms.toFixed(2));
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1]),
    },
    errors,
    lastError: lastError ? String(lastError.message ?? lastError) : undefined,
  };
}

/** Warm-up, then the measured loop, with the CPU the portal and the whole machine used meanwhile. */
async function measure(label, options, once, portal, log) {
  if (options.warmup > 0) await closedLoop(options.warmup, options.clients, once);
  log(`${label}: ${options.duration} s, ${options.clients} clients`);
  const cpuBefore = portal ? await serverCpu(portal) : 0;
  const ticksBefore = machineTicks();
  const started = performance.now();
  const result = await closedLoop(options.duration, options.clients, once);
  const wallUs = (performance.now() - started) * 1000;
  const ticksAfter = machineTicks();
  if (portal) result.portalCpuOfOneCore = Number((((await serverCpu(portal)) - cpuBefore) / wallUs).toFixed(2));
  if (ticksBefore && ticksAfter) {
    const share = (ticksAfter.busy - ticksBefore.busy) / (ticksAfter.total - ticksBefore.total);
    result.machineCoresBusy = Number((share * CORES).toFixed(2));
  }
  return result;
}

/* ------------------------------------------------------------------ the inbox's SQL */

/**
 * The SQL the portal sends for a query string: the compiled parser and repository build it against a
 * scope that only records (a tenant admin: every office).
 */
async function inboxSql(search) {
  const { parseInboxParams } = require(join(ROOT, 'dist', 'libs', 'backoffice', 'src', 'inbox-query.js'));
  const { CaseworkRepository } = require(join(ROOT, 'dist', 'libs', 'applications', 'src', 'casework.repository.js'));
  const filter = parseInboxParams(Object.fromEntries(new URLSearchParams(search)));
  /** @type {{ sql: string, values: unknown[] }} */
  let captured = { sql: '', values: [] };
  const scope = {
    query: (sql, values) => {
      captured = { sql, values };
      return Promise.resolve([]);
    },
  };
  await new CaseworkRepository().inbox(scope, {
    offices: undefined,
    status: filter.status,
    service: filter.service,
    office: filter.office,
    assignee: filter.assignee,
    from: filter.from,
    to: filter.to,
    search: filter.q,
    after: filter.cursor,
    limit: filter.limit + 1,
  });
  if (!/where submitted_at is not null/.test(captured.sql)) {
    throw new Error('the inbox query no longer starts its WHERE with `submitted_at is not null`; adapt ownerSql()');
  }
  return captured;
}

/** The same query for the owner, who is not held by RLS: the tenant is named in the WHERE clause. */
function ownerSql({ sql, values }, tenantId) {
  return {
    sql: sql.replace(
      /where submitted_at is not null/,
      `where tenant_id = $${values.length + 1} and submitted_at is not null`,
    ),
    values: [...values, tenantId],
  };
}

/** Runs `work` with a pooled connection as the application role inside a transaction with the tenant set. */
async function asApp(pool, tenantId, work) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A database an earlier run kept (`--keep`), to measure again without generating the rows anew. */
function keptDatabase(name) {
  const withUser = (user) => {
    const u = new URL(PG_ADMIN_URL);
    u.username = user;
    u.password = '';
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    name,
    ownerUrl: withUser(new URL(PG_ADMIN_URL).username || 'postgres'),
    appUrl: withUser('openrathaus_app'),
    drop: () => Promise.resolve(),
  };
}

/* ------------------------------------------------------------------ main */

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  if (!existsSync(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machine(),
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
    options,
    goal: { p99Ms: GOAL_P99_MS },
  };
  log(`load average at start: ${results.loadAverageAtStart.join(' ')} (${CORES} cores)`);
  // Loaded now, so that a build during the run does not change the SQL measured.
  require(join(ROOT, 'tools', 'register-paths.cjs'));
  require(join(ROOT, 'dist', 'libs', 'backoffice', 'src', 'inbox-query.js'));
  require(join(ROOT, 'dist', 'libs', 'applications', 'src', 'casework.repository.js'));
  const reuse = options.db !== null;
  if (!reuse) log('creating and migrating a fresh database');
  const db = reuse ? keptDatabase(options.db) : await createDatabase();
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
  let portal;
  const owner = new Pool({ connectionString: db.ownerUrl, max: options.clients });
  const app = new Pool({ connectionString: db.appUrl, max: options.clients });
  const stopping = () => {
    log('interrupted: cleaning up');
    void Promise.resolve(portal && stopServer(portal))
      .then(() => !options.keep && db.drop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', stopping);
  try {
    portal = await startServer('portal', env, false);
    log(`portal started in ${portal.startMs} ms (tenants synced)`);
    const [{ version }] = (await owner.query('select version()')).rows;
    results.postgres = version;

    let insertSeconds = 0;
    let vacuumSeconds = 0;
    if (!reuse) {
      log(`generating ${fmt(options.rows)} applications for ${TENANT}, ${fmt(options.other)} for ${OTHER_TENANT}`);
      const generationStarted = performance.now();
      await generate(db.ownerUrl, TENANT, 'RE', options.rows, log);
      if (options.other > 0) await generate(db.ownerUrl, OTHER_TENANT, 'GE', options.other, log);
      insertSeconds = (performance.now() - generationStarted) / 1000;
      const vacuumStarted = performance.now();
      await owner.query('vacuum (analyze) public.applications');
      await owner.query('vacuum (analyze) public.application_counts');
      await owner.query('vacuum (analyze) public.application_terms');
      vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
    }
    const [{ id: tenantId }] = (await owner.query(`select id from public.tenants where slug = $1`, [TENANT])).rows;
    const [{ n: rows }] = (
      await owner.query(`select count(*)::int as n from public.applications where tenant_id = $1`, [tenantId])
    ).rows;
    const { rows: sizes } = await owner.query(
      `select c.relname as name, pg_relation_size(c.oid) as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and (c.relname = 'applications' or c.oid in
              (select indexrelid from pg_index where indrelid = 'public.applications'::regclass))
        order by 2 desc`,
    );
    results.generation = {
      reused: reuse ? db.name : undefined,
      rows,
      otherRows: options.other,
      insertSeconds: Number(insertSeconds.toFixed(1)),
      vacuumAnalyzeSeconds: Number(vacuumSeconds.toFixed(1)),
      sizesMiB: Object.fromEntries(sizes.map((s) => [s.name, Math.round(Number(s.bytes) / 2 ** 20)])),
    };
    if (!reuse) {
      console.log(
        `generated ${fmt(options.rows + options.other)} applications in ${insertSeconds.toFixed(1)} s ` +
          `(${fmt(Math.round((options.rows + options.other) / insertSeconds))} rows/s), vacuum analyze ${vacuumSeconds.toFixed(1)} s`,
      );
    }

    // The searched-for values, read from the data: a number from the middle, the rare name's count.
    const [{ number }] = (
      await owner.query(
        `select number from public.applications where tenant_id = $1 and submitted_at is not null
          order by submitted_at desc, id desc offset $2 limit 1`,
        [tenantId, Math.floor(rows / 2)],
      )
    ).rows;
    const [{ rare }] = (
      await owner.query(
        `select count(*)::int as rare from public.applications where tenant_id = $1 and applicant_name like $2`,
        [tenantId, `% ${RARE_SURNAME}`],
      )
    ).rows;

    const email = `bench-${randomBytes(4).toString('hex')}@recklinghausen.de`;
    log(`staff add ${email} (tenant-admin)`);
    const oneTime = await addStaff(env, email);
    const login = await staffLogin(portal.port, email, oneTime, log);
    results.login = { totp: login.totp };
    const jar = login.jar;

    const cases = [
      { id: 'a', label: 'filter: `status=in_review&office=gewerbeamt`', search: 'status=in_review&office=gewerbeamt' },
      {
        id: 'b1',
        label: `search, rare surname: \`q=${RARE_SURNAME.toLowerCase()}\``,
        search: `q=${RARE_SURNAME.toLowerCase()}`,
      },
      { id: 'b2', label: `search, exact number: \`q=${number}\``, search: `q=${number}` },
      {
        id: 'c',
        label: `filter + search: \`status=in_review&office=gewerbeamt&q=${COMMON_SURNAME.toLowerCase()}\``,
        search: `status=in_review&office=gewerbeamt&q=${COMMON_SURNAME.toLowerCase()}`,
      },
      { id: 'd', label: `page ${DEEP_PAGE} by cursor, no filter`, search: null },
      { id: 'e', label: 'first page, no filter', search: '' },
    ].filter((c) => !options.only || options.only.includes(c.id));

    // The deep page: follow nextCursor 20 times, then the 21st page is the one timed.
    const deep = cases.find((c) => c.id === 'd');
    if (deep) {
      let cursor;
      for (let page = 1; page < DEEP_PAGE; page++) {
        const answer = expectStatus(
          await call(portal.port, 'GET', `${INBOX}${cursor ? `?cursor=${cursor}` : ''}`, { jar }),
          [200],
          `page ${page}`,
        );
        cursor = answer.body.nextCursor;
        if (!cursor) throw new Error(`page ${page} has no nextCursor`);
      }
      deep.search = `cursor=${cursor}`;
    }

    results.cases = [];
    for (const kase of cases) {
      const path = kase.search ? `${INBOX}?${kase.search}` : INBOX;
      // Before timing: the portal answers 200 with items, and the same rows as the SQL below.
      const first = expectStatus(await call(portal.port, 'GET', path, { jar }), [200], kase.label);
      const items = first.body.items;
      if (!items.length) throw new Error(`${kase.label}: no items`);
      const query = await inboxSql(kase.search);
      const asOwner = ownerSql(query, tenantId);
      const appRows = await asApp(app, tenantId, (c) => c.query(query.sql, query.values));
      const ownerRows = await owner.query(asOwner.sql, asOwner.values);
      const ids = items.map((i) => i.id).join();
      for (const [who, rows] of [
        ['application role', appRows.rows],
        ['owner', ownerRows.rows],
      ]) {
        if (
          rows
            .slice(0, items.length)
            .map((r) => r.id)
            .join() !== ids
        ) {
          throw new Error(`${kase.label}: the SQL as the ${who} gives other rows than the portal`);
        }
      }
      const plan = await asApp(app, tenantId, (c) => c.query(`explain (analyze, buffers) ${query.sql}`, query.values));
      const ownerPlan = await owner.query(`explain (analyze, buffers) ${asOwner.sql}`, asOwner.values);

      const portalRun = await measure(
        `${kase.id} portal`,
        options,
        async () => {
          const answer = await call(portal.port, 'GET', path, { jar, parse: false });
          if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
        },
        portal,
        log,
      );
      const appRun = await measure(
        `${kase.id} select as application role (RLS)`,
        options,
        () => asApp(app, tenantId, (c) => c.query(query.sql, query.values)),
        undefined,
        log,
      );
      const ownerRun = await measure(
        `${kase.id} select as owner (no RLS)`,
        options,
        () => owner.query(asOwner.sql, asOwner.values),
        undefined,
        log,
      );
      results.cases.push({
        id: kase.id,
        request: kase.label,
        path,
        items: items.length,
        bytes: Buffer.byteLength(JSON.stringify(first.body)),
        portal: portalRun,
        selectAsAppRole: appRun,
        selectAsOwner: ownerRun,
        sql: query.sql,
        values: query.values,
        explainAsAppRole: plan.rows.map((r) => r['QUERY PLAN']).join('\n'),
        explainAsOwner: ownerPlan.rows.map((r) => r['QUERY PLAN']).join('\n'),
      });
    }
    results.rareSurnameRows = rare;
  } finally {
    if (portal) await stopServer(portal);
    await owner.end();
    await app.end();
    if (options.keep || reuse) log(`kept database ${db.name}`);
    else await db.drop();
    await cleanRedis(prefix);
    agent.destroy();
  }

  const ms = (n) => n.toFixed(1);
  const lines = [
    `| request | measured | p50 ms | p95 ms | p99 ms | req/s | p99 / baseline | req/s / baseline |`,
    `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const c of results.cases) {
    const base = c.selectAsAppRole;
    const row = (what, r, ratios) =>
      `| ${what === 'portal over HTTP' ? `${c.id} — ${c.request}` : ''} | ${what} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p95)} | ${ms(r.latencyMs.p99)} | ${fmt(r.perSecond)} | ${ratios ? (r.latencyMs.p99 / base.latencyMs.p99).toFixed(1) : ''} | ${ratios ? (r.perSecond / base.perSecond).toFixed(2) : ''} |`;
    lines.push(row('portal over HTTP', c.portal, true));
    lines.push(row('select, app role + RLS (baseline)', base, false));
    lines.push(row('select, owner, no RLS', c.selectAsOwner, true));
  }
  console.log(`\n${lines.join('\n')}\n`);
  const worst = Math.max(...results.cases.map((c) => c.portal.latencyMs.p99));
  const errors = results.cases.reduce(
    (n, c) => n + c.portal.errors + c.selectAsAppRole.errors + c.selectAsOwner.errors,
    0,
  );
  console.log(
    `Goal: portal p99 under ${GOAL_P99_MS} ms for every request — ${worst < GOAL_P99_MS ? 'met' : 'MISSED'} (worst p99 ${ms(worst)} ms). ` +
      `${options.clients} clients, ${options.duration} s each after ${options.warmup} s warm-up; errors: ${errors}. ` +
      `Load generator, portal and PostgreSQL share ${CORES} cores.`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(ROOT, 'bench', 'results', `inbox-${results.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.error(`results: ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
