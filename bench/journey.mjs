#!/usr/bin/env node
/**
 * The citizen's journey under load: submissions per second through the JSON API (validate, save,
 * submit, pay in the sandbox, confirm) and documents per second in the worker, each against a raw
 * `pg` insert rate measured in the same run on the same database.
 *
 *   npm run build && npm run bench:journey -- [--citizens 40] [--submissions 400] [--concurrency 16]
 *                                             [--short]   (2 citizens, 6 submissions: what `npm test` runs)
 *
 * 1. Baseline: `--concurrency` clients insert rows shaped like an application (uuid, tenant, jsonb
 *    answers) into a scratch table for 5 s, each insert its own transaction.
 * 2. The portal (compiled, production mode, Redis, no worker in the portal) with an SMTP server in
 *    this process; with a worker sending the mails, `--citizens` accounts are registered and
 *    confirmed through the API (the link is read from the e-mail), then logged in; the worker stops.
 * 3. Submissions: `--concurrency` loops, each: start a Bewohnerparkausweis draft on a random member
 *    city of the region, save all answers, upload the registration certificate (a small PDF),
 *    submit, open the sandbox's pay page, pay, and confirm (GET the application). Timed from the
 *    first to the last confirmation.
 * 4. Documents: the applications now wait in the queue; a worker process starts and issues every
 *    document (PDF, QR code, signature) and queues the confirmation mails. Timed from the worker's
 *    start until every application is completed.
 * Results: a table on stdout and JSON in bench/results/journey-<date>.json (git-ignored).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
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
const CITIZENS = Number(args.citizens ?? (SHORT ? 2 : 40));
const SUBMISSIONS = Number(args.submissions ?? (SHORT ? 6 : 400));
const CONCURRENCY = Number(args.concurrency ?? (SHORT ? 2 : 16));
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
 * @param {{ body?: unknown, jar?: { cookie?: string }, form?: Record<string, string>, multipart?: { fields: Record<string, string>, filename: string, bytes: Buffer }, accept?: string }} [options]
 */
async function call(port, host, method, path, { body, jar, form, multipart, accept = 'application/json' } = {}) {
  /** @type {Record<string, string>} */
  const headers = { host, accept };
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

async function main() {
  const smtpMails = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        smtpMails.push(Buffer.concat(chunks).toString('utf8'));
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
    STORAGE_DIR: join(ROOT, '.data', `bench-files-${prefix}`),
  };
  const results = { date: new Date().toISOString(), commit: gitCommit(), machine: machine(), cores: CORES };
  let portal;
  let worker;
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

    // Mails are sent by the worker: one runs while citizens register, none while they submit.
    worker = await startServer('worker', env, false);
    console.error(`registering ${CITIZENS} citizens`);
    const citizens = [];
    for (let i = 0; i < CITIZENS; i++) {
      const email = `bench-${i}-${prefix}@example.org`;
      const password = `Bench-password-${i}-long`;
      const host = 'recklinghausen.localhost';
      expectStatus(
        await call(port, host, 'POST', '/api/v1/auth/register', { body: { email, password, name: `Bench ${i}` } }),
        [200, 201, 202],
        'register',
      );
      const mail = await waitFor(
        () => smtpMails.find((m) => m.includes(email.split('@')[0]) && /token=/.test(m)),
        15_000,
      );
      const token = decodeQuotedPrintable(mail).match(/token=([A-Za-z0-9_-]+)/)[1];
      expectStatus(await call(port, host, 'POST', '/api/v1/auth/verify', { body: { token } }), [200, 204], 'verify');
      const jar = {};
      expectStatus(
        await call(port, host, 'POST', '/api/v1/auth/login', { body: { email, password }, jar }),
        [200, 204],
        'login',
      );
      citizens.push(jar);
    }

    await stopServer(worker);
    worker = undefined;
    console.error(`submitting ${SUBMISSIONS} applications, ${CONCURRENCY} at a time`);
    const ids = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, loop) => {
        while (next < SUBMISSIONS) {
          const n = next++;
          const jar = citizens[(loop + n) % citizens.length];
          const city = CITIES[n % CITIES.length];
          const host = `${city}.localhost`;
          const draft = expectStatus(
            await call(port, host, 'POST', '/api/v1/applications', {
              body: { serviceKey: 'bewohnerparkausweis' },
              jar,
            }),
            [201],
            'start',
          );
          const id = draft.body.id;
          const saved = expectStatus(
            await call(port, host, 'PUT', `/api/v1/applications/${id}/answers`, {
              body: { answers: validAnswers(city, zones[city]) },
              jar,
            }),
            [200],
            'answers',
          );
          // Only the registration certificate, uploaded next, may still be missing.
          const wrong = (saved.body.errors ?? []).filter((e) => e.field !== 'zulassung');
          if (wrong.length) throw new Error(`answers refused: ${JSON.stringify(wrong)}`);
          expectStatus(
            await call(port, host, 'POST', `/api/v1/applications/${id}/attachments`, {
              multipart: { fields: { field: 'zulassung' }, filename: 'zulassung.pdf', bytes: PDF },
              jar,
            }),
            [201],
            'upload',
          );
          const submitted = expectStatus(
            await call(port, host, 'POST', `/api/v1/applications/${id}/submit`, { jar }),
            [200],
            'submit',
          );
          const payUrl = new URL(submitted.body.payment.redirectUrl);
          const payJar = {};
          const page = expectStatus(
            await call(port, payUrl.host, 'GET', payUrl.pathname, { jar: payJar, accept: 'text/html' }),
            [200],
            'pay page',
          );
          const csrf = page.body.match(/name="csrf" value="([^"]+)"/)[1];
          expectStatus(
            await call(port, payUrl.host, 'POST', payUrl.pathname, { form: { csrf, action: 'pay' }, jar: payJar }),
            [303],
            'pay',
          );
          const confirmed = expectStatus(
            await call(port, host, 'GET', `/api/v1/applications/${id}`, { jar }),
            [200],
            'confirm',
          );
          if (confirmed.body.status !== 'paid') throw new Error(`not paid: ${confirmed.body.status}`);
          ids.push({ id, city });
        }
      }),
    );
    const submitSeconds = (performance.now() - started) / 1000;
    results.submissions = { count: ids.length, seconds: submitSeconds, perSecond: ids.length / submitSeconds };

    console.error('documents: starting a worker on the queued applications');
    const counter = new Client({ connectionString: db.ownerUrl });
    await counter.connect();
    const workStarted = performance.now();
    worker = await startServer('worker', env, false);
    await waitFor(
      async () => {
        const { rows } = await counter.query(
          `select count(*)::int as n from public.applications where status = 'completed'`,
        );
        return rows[0].n >= ids.length;
      },
      600_000,
      200,
    );
    const workSeconds = (performance.now() - workStarted) / 1000;
    const { rows: docRows } = await counter.query(`select count(*)::int as n from public.documents`);
    await counter.end();
    results.documents = {
      count: docRows[0].n,
      seconds: workSeconds,
      perSecond: docRows[0].n / workSeconds,
      workerStartMs: worker.startMs,
    };
  } finally {
    if (worker) await stopServer(worker);
    if (portal) await stopServer(portal);
    await db.drop();
    await cleanRedis(prefix);
    smtp.close();
  }
  const raw = results.rawInsertsPerSecond;
  console.log(`\n| measure | per second | ratio to raw pg insert |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(`| raw \`pg\` insert (baseline, ${CONCURRENCY} clients) | ${fmt(Math.round(raw))} | 1 |`);
  console.log(
    `| submissions: start, answers, upload, submit, pay, confirm (${CONCURRENCY} at a time) | ${results.submissions.perSecond.toFixed(1)} | ${(results.submissions.perSecond / raw).toFixed(4)} |`,
  );
  console.log(
    `| documents in the worker (PDF, QR, signature, mail queued) | ${results.documents.perSecond.toFixed(1)} | ${(results.documents.perSecond / raw).toFixed(4)} |`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(ROOT, 'bench', 'results', `journey-${results.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.error(`results: ${file}`);
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
