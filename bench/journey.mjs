#!/usr/bin/env node
/**
 * The citizen's journey under load, in three phases, each against a raw `pg` insert rate measured
 * in the same run on the same database:
 *
 *   npm run build && npm run bench:journey -- [--phases steady,burst,journeys]
 *        [--citizens 40] [--submissions 400] [--concurrency 16]     steady
 *        [--burst 1000] [--burst-seconds 60]                         burst
 *        [--journeys 100]                                            journeys
 *        [--short]   (a few of each: what `npm test` runs)
 *
 * The portal (compiled, production mode, Redis, no worker in it) and a worker process of its own,
 * an SMTP server in this process. The portal trusts this process as its proxy (`TRUST_PROXY`), and
 * every citizen comes from an address of its own (`X-Forwarded-For`), as behind an ingress: the
 * per-address limits on logins and mails then count per citizen, as they do in production.
 *
 * 1. steady: `--citizens` accounts are registered and confirmed (the link from the e-mail); the worker
 *    stops; `--concurrency` loops each submit a Bewohnerparkausweis on a member city of the region
 *    (start a draft, save all answers, upload the registration certificate, submit, open the sandbox's
 *    pay page, pay, confirm: seven client requests and two from the portal to the sandbox), until
 *    `--submissions`. Then a worker starts and issues every permit (PDF, QR code, signature), sends the
 *    confirmation and hands the application to the office: documents per second until all are completed.
 * 2. burst: `--burst` citizens (registered beforehand, not timed) each start at a random moment of the
 *    same `--burst-seconds` (a new service opening at 8:00): log in, then the seven requests of a
 *    submission, with the worker running. An answer 503 with Retry-After is waited for and asked
 *    again, as a browser's user would, and counted apart; any other failure is counted as lost.
 * 3. journeys: `--journeys` citizens at once, each the whole way: register, read the mail, confirm, log
 *    in, submit, pay, wait for the permit and download it. The time of each journey, p50 and p90.
 *
 * Every request is timed by its kind (p50, p99): the per-step cost of the write path as a client
 * sees it. Results: tables on stdout, JSON and SVG charts in bench/results/ (git-ignored).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CORES,
  REDIS_URL,
  ROOT,
  cleanRedis,
  createDatabase,
  fmt,
  gitCommit,
  machine,
  startServer,
  stopServer,
  RESULTS_DIR,
  SHORT,
} from './lib/harness.mjs';
import { barChart, writeCharts } from './lib/chart.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const { Client, Pool } = require('pg');
const { SMTPServer } = require('smtp-server');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((part) => part.trim().split(/\s+/)),
);
const PHASES = String(args.phases ?? 'steady,burst,journeys').split(',');
const CITIZENS = Number(args.citizens ?? (SHORT ? 2 : 40));
const SUBMISSIONS = Number(args.submissions ?? (SHORT ? 6 : 400));
const CONCURRENCY = Number(args.concurrency ?? (SHORT ? 2 : 16));
const BURST = Number(args.burst ?? (SHORT ? 6 : 1000));
const BURST_SECONDS = Number(args['burst-seconds'] ?? (SHORT ? 3 : 60));
const JOURNEYS = Number(args.journeys ?? (SHORT ? 3 : 100));
/** Seconds of the raw insert baseline. */
const BASELINE_SECONDS = SHORT ? 1 : 5;
/** The member cities of the region that offer the Bewohnerparkausweis, each with its own fee and zones. */
const CITIES = ['recklinghausen', 'gelsenkirchen', 'bottrop'];
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * A minimal HTTP client with a cookie jar per citizen.
 * @param {number} port
 * @param {string} host
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, jar?: { cookie?: string, from?: string }, form?: Record<string, string>, multipart?: { fields: Record<string, string>, filename: string, bytes: Buffer }, accept?: string, from?: string }} [options]
 */
async function call(port, host, method, path, { body, jar, form, multipart, accept = 'application/json', from } = {}) {
  /** @type {Record<string, string>} */
  const headers = { host, accept };
  const client = from ?? jar?.from;
  if (client) headers['x-forwarded-for'] = client;
  if (jar?.cookie) headers.cookie = jar.cookie;
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  } else if (multipart) {
    const boundary = `----bench${randomBytes(8).toString('hex')}`;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    const parts = [];
    for (const [name, value] of Object.entries(multipart.fields)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${multipart.filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      multipart.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    payload = Buffer.concat(parts);
  }
  // node:http, not fetch: fetch may not set the Host header that picks the tenant.
  const response = await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
  const raw = response.headers['set-cookie'];
  const setCookie = Array.isArray(raw) ? raw : raw ? [raw] : [];
  if (jar && setCookie.length) {
    const cookies = new Map(
      (jar.cookie ?? '')
        .split('; ')
        .filter(Boolean)
        .map((c) => /** @type {[string, string]} */ (c.split(/=(.*)/s).slice(0, 2))),
    );
    for (const line of setCookie) {
      const [pair] = line.split(';');
      const [name, value] = pair.split(/=(.*)/s);
      cookies.set(name, value);
    }
    jar.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  const type = response.headers['content-type'] ?? '';
  const text = response.text;
  return { status: response.status, headers: response.headers, body: type.includes('json') ? JSON.parse(text) : text };
}

function expectStatus(result, statuses, what) {
  if (!statuses.includes(result.status)) {
    throw new Error(
      `${what}: HTTP ${result.status} ${typeof result.body === 'string' ? result.body.slice(0, 300) : JSON.stringify(result.body).slice(0, 300)}`,
    );
  }
  return result;
}

/** Rows per second that plain `pg` inserts, one transaction each, from `concurrency` clients. */
async function rawInsertRate(url, seconds, concurrency) {
  const pool = new Pool({ connectionString: url, max: concurrency });
  await pool.query(`create table if not exists bench_raw (id uuid primary key, tenant_id uuid not null,
                      status text not null, answers jsonb not null, created_at timestamptz default now())`);
  const tenant = '00000000-0000-4000-8000-000000000001';
  const answers = JSON.stringify(validAnswers('recklinghausen', { zone: 'Innenstadt A', postalCode: '45657' }));
  let count = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await pool.query(
          `insert into bench_raw (id, tenant_id, status, answers) values (gen_random_uuid(), $1, 'draft', $2)`,
          [tenant, answers],
        );
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.query('drop table bench_raw');
  await pool.end();
  return count / elapsed;
}

function validAnswers(city, { zone, postalCode }) {
  return {
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: { street: 'Rathausplatz', houseNumber: '3', postalCode, city },
    email: 'erika@example.org',
    kennzeichen: 'RE-AB 123',
    halter: 'eigen',
    zone,
    versicherung: true,
    datenschutz: true,
  };
}

/** Latencies per kind of request; 503s answered with Retry-After are counted apart. */
class Timings {
  constructor() {
    /** @type {Map<string, number[]>} */
    this.ms = new Map();
    /** @type {Map<string, number>} */
    this.shed = new Map();
  }

  add(kind, ms) {
    if (!this.ms.has(kind)) this.ms.set(kind, []);
    this.ms.get(kind).push(ms);
  }

  shedOnce(kind) {
    this.shed.set(kind, (this.shed.get(kind) ?? 0) + 1);
  }

  rows() {
    return [...this.ms].map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        kind,
        count: sorted.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        shed: this.shed.get(kind) ?? 0,
      };
    });
  }
}

const percentile = (sorted, p) =>
  sorted.length ? Math.round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]) : 0;

/**
 * One request, timed under its kind. A 503 with Retry-After (the portal shedding load) is waited for
 * and asked again, as a person would; its time counts for the answer that came at last.
 */
async function timed(timings, kind, statuses, send) {
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    const result = await send();
    const ms = performance.now() - started;
    const retryAfter = Number(result.headers['retry-after']);
    if (result.status === 503 && retryAfter > 0 && attempt < 30) {
      timings.shedOnce(kind);
      await sleep(retryAfter * 1000);
      continue;
    }
    timings.add(kind, ms);
    return expectStatus(result, statuses, kind);
  }
}

/** An address of its own per citizen, as an ingress would forward it. */
const addressOf = (n) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Mails by recipient, and whoever waits for one. */
class Inbox {
  constructor() {
    /** @type {Map<string, string[]>} */
    this.byTo = new Map();
    /** @type {Map<string, (() => void)[]>} */
    this.waiting = new Map();
  }

  put(to, raw) {
    const address = to.toLowerCase();
    if (!this.byTo.has(address)) this.byTo.set(address, []);
    this.byTo.get(address).push(raw);
    for (const wake of this.waiting.get(address) ?? []) wake();
    this.waiting.delete(address);
  }

  /** The first mail to `to` whose text matches `pattern`, when it comes. */
  async next(to, pattern, ms) {
    const address = to.toLowerCase();
    const until = Date.now() + ms;
    for (;;) {
      const found = (this.byTo.get(address) ?? []).find((m) => pattern.test(decodeQuotedPrintable(m)));
      if (found) return decodeQuotedPrintable(found);
      if (Date.now() > until) throw new Error(`no mail to ${to} matching ${pattern}`);
      await new Promise((resolve) => {
        const list = this.waiting.get(address) ?? [];
        list.push(() => resolve(undefined));
        this.waiting.set(address, list);
        setTimeout(resolve, 1_000);
      });
    }
  }
}

/** Registers citizen `n` on Recklinghausen (the realm is the region's) and confirms the address. */
async function register(port, inbox, timings, n, prefix) {
  const host = 'recklinghausen.localhost';
  const from = addressOf(n);
  const email = `bench-${n}-${prefix}@example.org`;
  const password = `Bench-password-${n}-long`;
  await timed(timings, 'register', [200, 201, 202], () =>
    call(port, host, 'POST', '/api/v1/auth/register', { body: { email, password, name: `Bench ${n}` }, from }),
  );
  const mail = await inbox.next(email, /token=/, 120_000);
  const token = mail.match(/token=([A-Za-z0-9_-]+)/)[1];
  await timed(timings, 'verify', [200, 204], () =>
    call(port, host, 'POST', '/api/v1/auth/verify', { body: { token }, from }),
  );
  return { email, password, from };
}

async function login(port, timings, { email, password, from }) {
  const jar = { from };
  await timed(timings, 'login', [200, 204], () =>
    call(port, 'recklinghausen.localhost', 'POST', '/api/v1/auth/login', { body: { email, password }, jar }),
  );
  return jar;
}

/** The seven requests of one Bewohnerparkausweis, up to `paid`. */
async function submit(port, timings, jar, city, zone) {
  const host = `${city}.localhost`;
  const draft = await timed(timings, 'start draft', [201], () =>
    call(port, host, 'POST', '/api/v1/applications', { body: { serviceKey: 'bewohnerparkausweis' }, jar }),
  );
  const id = draft.body.id;
  const saved = await timed(timings, 'save answers', [200], () =>
    call(port, host, 'PUT', `/api/v1/applications/${id}/answers`, { body: { answers: validAnswers(city, zone) }, jar }),
  );
  // Only the registration certificate, uploaded next, may still be missing.
  const wrong = (saved.body.errors ?? []).filter((e) => e.field !== 'zulassung');
  if (wrong.length) throw new Error(`answers refused: ${JSON.stringify(wrong)}`);
  await timed(timings, 'upload', [201], () =>
    call(port, host, 'POST', `/api/v1/applications/${id}/attachments`, {
      multipart: { fields: { field: 'zulassung' }, filename: 'zulassung.pdf', bytes: PDF },
      jar,
    }),
  );
  const submitted = await timed(timings, 'submit', [200], () =>
    call(port, host, 'POST', `/api/v1/applications/${id}/submit`, { jar }),
  );
  const payUrl = new URL(submitted.body.payment.redirectUrl);
  const payJar = { from: jar.from };
  const page = await timed(timings, 'pay page', [200], () =>
    call(port, payUrl.host, 'GET', payUrl.pathname, { jar: payJar, accept: 'text/html' }),
  );
  const csrf = page.body.match(/name="csrf" value="([^"]+)"/)[1];
  await timed(timings, 'pay', [303], () =>
    call(port, payUrl.host, 'POST', payUrl.pathname, { form: { csrf, action: 'pay' }, jar: payJar }),
  );
  const confirmed = await timed(timings, 'confirm', [200], () =>
    call(port, host, 'GET', `/api/v1/applications/${id}`, { jar }),
  );
  if (!['paid', 'completed'].includes(confirmed.body.status)) throw new Error(`not paid: ${confirmed.body.status}`);
  return { id, city };
}

/** Waits for the permit of an application and downloads it. */
async function permit(port, timings, jar, { id, city }) {
  const host = `${city}.localhost`;
  const until = Date.now() + 600_000;
  for (;;) {
    const view = await timed(timings, 'status', [200], () =>
      call(port, host, 'GET', `/api/v1/applications/${id}`, { jar }),
    );
    const document = view.body.documents?.[0];
    if (document) {
      const pdf = await timed(timings, 'download permit', [200], () =>
        call(port, host, 'GET', document.url, { jar, accept: 'application/pdf' }),
      );
      if (!String(pdf.headers['content-type']).startsWith('application/pdf')) throw new Error('not a PDF');
      return;
    }
    if (Date.now() > until) throw new Error(`no permit for ${id}`);
    await sleep(500);
  }
}

/** Runs `work` for `count` items, at most `concurrency` at once. */
async function pool(count, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function timingTable(title, rows) {
  console.log(`\n${title}\n`);
  console.log('| request | count | p50 ms | p99 ms | answered 503 first |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.kind} | ${fmt(r.count)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.shed} |`);
}

async function main() {
  const inbox = new Inbox();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('error', done);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        for (const to of session.envelope.rcptTo) inbox.put(to.address, raw);
        done();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', () => resolve(undefined)));
  const smtpPort = /** @type {import('node:net').AddressInfo} */ (smtp.server.address()).port;

  const db = await createDatabase();
  const prefix = `or-bench-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    APP_SECRET: randomBytes(32).toString('hex'),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    PAYMENT_SANDBOX: 'true',
    RUN_WORKER: 'false',
    // This process is the citizens' proxy: X-Forwarded-For names each citizen's own address.
    TRUST_PROXY: '127.0.0.1',
    STORAGE_DIR: join(ROOT, '.data', `bench-files-${prefix}`),
  };
  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machine(),
    cores: CORES,
    options: { PHASES, CITIZENS, SUBMISSIONS, CONCURRENCY, BURST, BURST_SECONDS, JOURNEYS },
  };
  let portal;
  /** @type {Awaited<ReturnType<typeof startServer>> | undefined} */
  let worker;
  let citizenNo = 0;
  const startWorker = async () => {
    if (!worker) worker = await startServer('worker', env, false);
    return worker;
  };
  const stopWorker = async () => {
    if (worker) await stopServer(worker);
    worker = undefined;
  };
  try {
    console.error(`baseline: raw pg inserts, ${CONCURRENCY} clients, ${BASELINE_SECONDS} s`);
    results.rawInsertsPerSecond = await rawInsertRate(db.ownerUrl, BASELINE_SECONDS, CONCURRENCY);

    portal = await startServer('portal', env, false);
    const port = portal.port;
    const zones = {};
    for (const city of CITIES) {
      const service = await call(port, `${city}.localhost`, 'GET', '/api/v1/services/bewohnerparkausweis');
      expectStatus(service, [200], `service of ${city}`);
      zones[city] = { zone: service.body.parameters.zones[0], postalCode: service.body.parameters.postalCodes[0] };
    }
    const registerMany = async (count) => {
      const setup = new Timings();
      const accounts = [];
      await pool(count, 16, async () => accounts.push(await register(port, inbox, setup, citizenNo++, prefix)));
      return accounts;
    };

    if (PHASES.includes('steady')) {
      // Mails are sent by the worker: one runs while citizens register, none while they submit.
      await startWorker();
      console.error(`steady: registering ${CITIZENS} citizens`);
      const accounts = await registerMany(CITIZENS);
      const setup = new Timings();
      const citizens = [];
      for (const account of accounts) citizens.push(await login(port, setup, account));
      await stopWorker();
      console.error(`steady: submitting ${SUBMISSIONS} applications, ${CONCURRENCY} at a time`);
      const timings = new Timings();
      const ids = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, loop) => {
          while (next < SUBMISSIONS) {
            const n = next++;
            const city = CITIES[n % CITIES.length];
            ids.push(await submit(port, timings, citizens[(loop + n) % citizens.length], city, zones[city]));
          }
        }),
      );
      const submitSeconds = (performance.now() - started) / 1000;
      results.submissions = { count: ids.length, seconds: submitSeconds, perSecond: ids.length / submitSeconds };
      results.steadyRequests = timings.rows();

      console.error('steady: documents, a worker starting on the queued applications');
      const counter = new Client({ connectionString: db.ownerUrl });
      await counter.connect();
      const workStarted = performance.now();
      const documentsWorker = await startWorker();
      const idList = ids.map((i) => i.id);
      await waitFor(
        async () => {
          const { rows } = await counter.query(
            `select count(*)::int as n from public.applications where status = 'completed' and id = any($1)`,
            [idList],
          );
          return rows[0].n >= ids.length;
        },
        SHORT ? 120_000 : 600_000,
        200,
      );
      const workSeconds = (performance.now() - workStarted) / 1000;
      const { rows: docRows } = await counter.query(
        `select count(*)::int as n from public.documents where application_id = any($1)`,
        [idList],
      );
      await counter.end();
      results.documents = {
        count: docRows[0].n,
        seconds: workSeconds,
        perSecond: docRows[0].n / workSeconds,
        workerStartMs: documentsWorker.startMs,
      };
    }

    if (PHASES.includes('burst')) {
      await startWorker();
      console.error(`burst: registering ${BURST} citizens (not timed)`);
      const accounts = await registerMany(BURST);
      console.error(`burst: ${BURST} citizens log in and submit within ${BURST_SECONDS} s`);
      const timings = new Timings();
      const lost = [];
      const done = [];
      const started = performance.now();
      await Promise.all(
        accounts.map(async (account, n) => {
          await sleep(Math.random() * BURST_SECONDS * 1000);
          const city = CITIES[n % CITIES.length];
          try {
            const jar = await login(port, timings, account);
            done.push(await submit(port, timings, jar, city, zones[city]));
          } catch (error) {
            lost.push(error instanceof Error ? error.message : 'failed');
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const counter = new Client({ connectionString: db.ownerUrl });
      await counter.connect();
      const burstIds = done.map((d) => d.id);
      const { rows } = await counter.query(
        `select count(*)::int as n from public.applications where id = any($1) and status in ('paid', 'completed')`,
        [burstIds],
      );
      // The worker catches up: every permit issued and handed over, before the next phase begins.
      await waitFor(
        async () => {
          const { rows: left } = await counter.query(
            `select count(*)::int as n from public.applications where id = any($1) and status <> 'completed'`,
            [burstIds],
          );
          return left[0].n === 0;
        },
        SHORT ? 120_000 : 900_000,
        500,
      );
      const allCompletedSeconds = (performance.now() - started) / 1000;
      await counter.end();
      results.burst = {
        citizens: BURST,
        seconds,
        allCompletedSeconds,
        submitted: done.length,
        storedPaid: rows[0].n,
        lost: lost.length,
        lostReasons: [...new Set(lost)].slice(0, 10),
        requests: timings.rows(),
      };
    }

    if (PHASES.includes('journeys')) {
      await startWorker();
      console.error(`journeys: ${JOURNEYS} citizens at once, register to permit`);
      const timings = new Timings();
      const durations = [];
      const failed = [];
      await Promise.all(
        Array.from({ length: JOURNEYS }, async (_, n) => {
          const started = performance.now();
          const city = CITIES[n % CITIES.length];
          try {
            const account = await register(port, inbox, timings, citizenNo++, prefix);
            const jar = await login(port, timings, account);
            const application = await submit(port, timings, jar, city, zones[city]);
            await permit(port, timings, jar, application);
            durations.push((performance.now() - started) / 1000);
          } catch (error) {
            failed.push(error instanceof Error ? error.message : 'failed');
          }
        }),
      );
      const sorted = [...durations].sort((a, b) => a - b);
      const sec = (p) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
      results.journeys = {
        citizens: JOURNEYS,
        completed: durations.length,
        failed: failed.length,
        failedReasons: [...new Set(failed)].slice(0, 10),
        seconds: { p50: sec(50), p90: sec(90), max: sec(100) },
        requests: timings.rows(),
      };
    }
  } finally {
    await stopWorker().catch(() => undefined);
    if (portal) await stopServer(portal);
    await db.drop();
    await cleanRedis(prefix);
    smtp.close();
  }

  const raw = results.rawInsertsPerSecond;
  console.log(`\n| measure | per second | ratio to raw pg insert |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(`| raw \`pg\` insert (baseline, ${CONCURRENCY} clients) | ${fmt(Math.round(raw))} | 1 |`);
  if (results.submissions) {
    console.log(
      `| submissions: start, answers, upload, submit, pay, confirm (${CONCURRENCY} at a time) | ${results.submissions.perSecond.toFixed(1)} | ${(results.submissions.perSecond / raw).toFixed(4)} |`,
    );
    console.log(
      `| documents in the worker (PDF, QR, signature, mails, hand-off) | ${results.documents.perSecond.toFixed(1)} | ${(results.documents.perSecond / raw).toFixed(4)} |`,
    );
    timingTable(`steady: ${results.submissions.count} submissions, ${CONCURRENCY} at a time`, results.steadyRequests);
  }
  if (results.burst) {
    const b = results.burst;
    timingTable(
      `burst: ${b.citizens} citizens within ${BURST_SECONDS} s, done in ${b.seconds.toFixed(1)} s: ${b.submitted} submitted, ${b.storedPaid} stored as paid, ${b.lost} lost; every permit issued after ${b.allCompletedSeconds.toFixed(1)} s`,
      b.requests,
    );
    if (b.lost) console.log(`\nlost: ${b.lostReasons.join('; ')}`);
  }
  if (results.journeys) {
    const j = results.journeys;
    console.log(
      `\njourneys: ${j.citizens} citizens at once, ${j.completed} completed, ${j.failed} failed; journey p50 ${j.seconds.p50.toFixed(1)} s, p90 ${j.seconds.p90.toFixed(1)} s, max ${j.seconds.max.toFixed(1)} s`,
    );
    timingTable('journeys: requests', j.requests);
    if (j.failed) console.log(`\nfailed: ${j.failedReasons.join('; ')}`);
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = results.date.slice(0, 19).replace(/:/g, '-');
  const file = join(RESULTS_DIR, `journey-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  const latencyGroups = [
    ...(results.steadyRequests ?? []).map((r) => ({ label: `steady: ${r.kind}`, r })),
    ...(results.burst?.requests ?? []).map((r) => ({ label: `burst: ${r.kind}`, r })),
    ...(results.journeys?.requests ?? []).map((r) => ({ label: `journeys: ${r.kind}`, r })),
  ];
  writeCharts(RESULTS_DIR, `journey-${stamp}`, {
    latency: barChart({
      title: 'The journey: latency per request kind (ms)',
      unit: 'ms',
      groups: latencyGroups.map(({ label, r }) => ({
        label,
        bars: [
          { series: 'p50', value: r.p50 },
          { series: 'p99', value: r.p99 },
        ],
      })),
    }),
  });
  console.error(`results: ${file}`);
  const lost = (results.burst?.lost ?? 0) + (results.journeys?.failed ?? 0);
  if (lost) {
    console.error(`${lost} citizens did not get through`);
    process.exitCode = 1;
  }
}

async function waitFor(check, ms, every = 50) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
