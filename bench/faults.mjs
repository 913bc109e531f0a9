#!/usr/bin/env node
/**
 * The fault harness: no application is lost or handed over twice when the worker, Redis or
 * PostgreSQL go down, or the office's receiver is away.
 *
 *   npm run build && npm run faults -- [--short] [--submissions 2000] [--concurrency 8] [--citizens 8]
 *     [--kills 3] [--redis-restarts 1] [--pg-restarts 1] [--receiver-away 60] [--settle-timeout 900]
 *     [--seed 42] [--kill-at 0.2,0.5,0.8] [--redis-at 0.4] [--pg-at 0.6] [--receiver-at 0.3] [--keep]
 *
 * (every option also as FAULTS_<NAME>, e.g. FAULTS_SUBMISSIONS=500; `--short`: 200 submissions, one
 * worker kill, the receiver away for 10 s, Redis and PostgreSQL restarted once each.)
 *
 * 1. Starts its own PostgreSQL cluster and its own Redis on free ports in a temporary directory,
 *    migrates and syncs a tenants folder of its own (bench/faults/: one tenant whose service runs
 *    form → document → confirmation mail → hand-off by webhook) with the command line, as the
 *    migrate step of a production installation does (the owner migrates; the application role
 *    `openrathaus_app` that the migrations create is what portal and worker connect as).
 * 2. Starts an SMTP server and an HTTPS webhook receiver in this process (the receiver checks each
 *    message with `verifyWebhook` from the built `libs/delivery` and counts them by `webhook-id` and
 *    by application number), then the compiled portal and worker (`NODE_ENV=production`).
 * 3. Registers citizens through the API (confirmed with the link of the mail), then submits the
 *    service `--submissions` times, `--concurrency` at a time: draft, answers, submit. A request that
 *    fails while something is down is sent again, as a citizen would press again; a submission that
 *    may have gone through is looked up before it is sent again, so none is made twice.
 * 4. Meanwhile, at random moments (fractions of the submissions, from `--seed`, or as given): kills
 *    the worker with SIGKILL and starts it again, restarts Redis (empty), restarts PostgreSQL
 *    (`pg_ctl restart -m fast`), and takes the receiver away for `--receiver-away` seconds.
 * 5. Waits until everything settled (at most `--settle-timeout` seconds), then counts per
 *    application: documents (in the database), confirmation mails and receipts (distinct Message-IDs
 *    at the SMTP server, by the number in the subject), hand-offs (distinct webhook ids at the
 *    receiver). Prints `expected, received, doubled, missing` and exits 1 on any difference, on an
 *    application that did not complete, or on a portal or worker that died by itself.
 *
 * Everything listens on 127.0.0.1; every process and directory it made is removed at the end, also
 * on failure or Ctrl-C (`--keep` keeps the directory with the logs, for a look after a failure).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ROOT } from './lib/harness.mjs';
import { seeded } from './lib/seeded.mjs';
import { freePort, sleep, startPostgres, startRedis, tail } from './lib/own-services.mjs';

const require = createRequire(join(ROOT, 'package.json'));

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const SHORT = argv.includes('--short') || process.env.FAULTS_SHORT === '1';

/** A flag's value (`--name value`), else FAULTS_<NAME>, else the fallback. */
function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) return argv[i + 1];
  const env = process.env[`FAULTS_${name.toUpperCase().replace(/-/g, '_')}`];
  return env !== undefined && env !== '' ? env : fallback;
}
const numberOption = (name, fallback) => {
  const value = Number(option(name, fallback));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};
const fractions = (name) => {
  const raw = option(name, undefined);
  if (raw === undefined) return undefined;
  return String(raw)
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const value = Number(part);
      if (!(value >= 0 && value <= 1)) throw new Error(`--${name}: ${part} is not a fraction between 0 and 1`);
      return value;
    });
};

const OPTIONS = {
  submissions: Math.floor(numberOption('submissions', SHORT ? 200 : 2000)),
  concurrency: Math.max(1, Math.floor(numberOption('concurrency', 8))),
  citizens: Math.max(1, Math.floor(numberOption('citizens', SHORT ? 4 : 8))),
  kills: Math.floor(numberOption('kills', SHORT ? 1 : 3)),
  redisRestarts: Math.floor(numberOption('redis-restarts', 1)),
  pgRestarts: Math.floor(numberOption('pg-restarts', 1)),
  receiverAwaySeconds: numberOption('receiver-away', SHORT ? 10 : 60),
  settleTimeoutSeconds: numberOption('settle-timeout', SHORT ? 150 : 900),
  seed: Math.floor(numberOption('seed', Math.floor(Math.random() * 2 ** 31))),
};

const SLUG = 'pruefstadt';
const HOST = 'serviceportal.pruefstadt.test';
const SERVICE = 'eingang';
const TARGET_PLACEHOLDER = 'https://127.0.0.1:9/antraege';

const started = performance.now();
const log = (line) => process.stderr.write(`[faults ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

const random = seeded(OPTIONS.seed);
/** `count` moments between 10 % and 90 % of the submissions, or those given. */
const moments = (given, count) => given ?? Array.from({ length: count }, () => 0.1 + random() * 0.8).sort();

// ---------------------------------------------------------------------------------------------
// Clean-up: everything started is registered here and undone once, also on Ctrl-C.

/** @type {(() => unknown)[]} */
const undo = [];
let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  for (const step of undo.reverse()) {
    try {
      await step();
    } catch (error) {
      process.stderr.write(`clean-up: ${inspect(error)}\n`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// The SMTP server: counts mails by the application number in their subject, keeps account tokens.

function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

async function startMailServer() {
  const { SMTPServer } = require('smtp-server');
  /** number -> Message-IDs, per kind of mail */
  const confirmations = new Map();
  const receipts = new Map();
  let total = 0;
  let repeats = 0;
  /** address -> the newest account token */
  const tokens = new Map();
  const add = (map, number, messageId) => {
    const ids = map.get(number) ?? new Map();
    if (ids.has(messageId)) repeats++;
    ids.set(messageId, (ids.get(messageId) ?? 0) + 1);
    map.set(number, ids);
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        total++;
        const raw = Buffer.concat(chunks).toString('utf8');
        const end = raw.indexOf('\r\n\r\n');
        const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
        const header = (name) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
        const subject = header('subject');
        const messageId = header('message-id') || `no-id-${total}`;
        const confirmation = /^Eingangsbescheinigung (\S+)/.exec(subject);
        const receipt = /^Ihr Antrag (\S+) ist eingegangen/.exec(subject);
        if (confirmation) add(confirmations, confirmation[1], messageId);
        else if (receipt) add(receipts, receipt[1], messageId);
        else {
          const token = /token=([A-Za-z0-9_-]+)/.exec(decodeQuotedPrintable(raw))?.[1];
          for (const to of session.envelope.rcptTo) if (token) tokens.set(to.address.toLowerCase(), token);
        }
        done();
      });
    },
  });
  server.on('error', (error) => log(`smtp: ${error.message}`));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.server.address()).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    confirmations,
    receipts,
    tokens,
    stats: () => ({ total, repeats }),
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// ---------------------------------------------------------------------------------------------
// The office's webhook receiver: HTTPS (production sends to https only), signatures checked with
// the platform's own helper, counted by webhook-id and by application number.

async function startReceiver(dir, secret) {
  const { verifyWebhook } = require(join(ROOT, 'dist', 'libs', 'delivery', 'src', 'webhook-signature.js'));
  const key = join(dir, 'receiver-key.pem');
  const cert = join(dir, 'receiver-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  /** number -> (webhook-id -> times received) */
  const byNumber = new Map();
  const refused = new Map();
  let messages = 0;
  let repeats = 0;
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const chunks = [];
    req.on('error', () => res.destroy());
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const checked = verifyWebhook({ secrets: [secret], headers: req.headers, body: raw });
      if (!checked.ok) {
        refused.set(checked.reason, (refused.get(checked.reason) ?? 0) + 1);
        res.writeHead(401).end(checked.reason);
        return;
      }
      let number = '';
      try {
        number = String(JSON.parse(raw.toString('utf8')).data?.application?.number ?? '');
      } catch {
        refused.set('bad_json', (refused.get('bad_json') ?? 0) + 1);
      }
      messages++;
      const ids = byNumber.get(number) ?? new Map();
      if (ids.has(checked.id)) repeats++;
      ids.set(checked.id, (ids.get(checked.id) ?? 0) + 1);
      byNumber.set(number, ids);
      res.writeHead(204).end();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  const port = await freePort();
  const listen = () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections();
    });
  await listen();
  return {
    url: `https://127.0.0.1:${port}/antraege`,
    cert,
    byNumber,
    refused,
    stats: () => ({ messages, repeats }),
    /** Away (connections refused) for `seconds`, then back on the same port. */
    away: async (seconds) => {
      await close();
      await sleep(seconds * 1000);
      await listen();
    },
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// Portal and worker: the compiled apps, started as `npm start` and `npm run start:worker` do.

const APPS = {
  portal: { main: join('dist', 'apps', 'portal', 'src', 'main.js'), ready: /^Ready\.$/m },
  worker: { main: join('dist', 'apps', 'worker', 'src', 'main.js'), ready: /worker running/ },
};

/**
 * One app process, restartable. An exit that was not asked for is recorded: a portal or worker
 * that dies because PostgreSQL or Redis went away is a finding, not a fault of the harness.
 */
function app(kind, env, logDir) {
  const file = join(logDir, `${kind}.log`);
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let expectExit = false;
  /** Closed for good (clean-up): no start is tried again. */
  let closed = false;
  const unexpected = [];
  const once = () =>
    new Promise((resolve, reject) => {
      const out = openSync(file, 'a');
      expectExit = false;
      const current = spawn(process.execPath, ['-r', './tools/register-paths.cjs', APPS[kind].main], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', out],
      });
      child = current;
      let seen = '';
      let ready = false;
      const timer = setTimeout(() => {
        current.kill('SIGKILL');
        reject(new Error(`${kind} did not start within 120 s; the end of ${file}:\n${tail(file, 25)}`));
      }, 120_000);
      current.stdout.on('data', (chunk) => {
        writeFileSync(file, chunk, { flag: 'a' });
        if (ready) return;
        // The whole chunk is searched: a busy harness reads many lines at once, and the ready line
        // may come early in a chunk longer than any tail kept of it. A line cut in two by a chunk
        // border is joined by the end of the previous one.
        seen = seen.slice(-256) + chunk.toString('utf8');
        if (APPS[kind].ready.test(seen)) {
          ready = true;
          clearTimeout(timer);
          resolve(undefined);
        }
      });
      current.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`${kind} exited (${signal ?? code}) before it was ready:\n${tail(file, 15)}`));
        else if (!expectExit && !closed) {
          unexpected.push(`${kind} exited by itself (${signal ?? `code ${code}`})`);
          log(`${kind} exited by itself (${signal ?? `code ${code}`}); starting it again`);
          void start().catch((error) => log(`${kind} could not start again: ${error.message}`));
        }
      });
    });
  /** Starts it; a start that fails (PostgreSQL still down) is tried again for a minute. */
  const start = async () => {
    const until = Date.now() + 60_000;
    for (;;) {
      if (closed) return;
      try {
        await once();
        return;
      } catch (error) {
        if (closed) return;
        if (Date.now() > until) throw error;
        log(`${kind} start failed, trying again: ${inspect(error).split('\n')[0]}`);
        await sleep(1000);
      }
    }
  };
  /** @param {NodeJS.Signals} [signal] */
  const stop = async (signal = 'SIGTERM') => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    expectExit = true;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const close = () => {
    closed = true;
    return stop();
  };
  return { start, close, kill: () => stop('SIGKILL'), unexpected, logTail: () => tail(file, 40) };
}

// ---------------------------------------------------------------------------------------------
// The citizens' HTTP client

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request to the portal; network errors resolve as status 0.
 * @param {number} port
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, cookie?: string }} [options]
 */
function call(port, method, path, { body, cookie } = {}) {
  /** @type {Record<string, string>} */
  const headers = { host: HOST, accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (error) => resolve({ status: 0, error: error.message, headers: {}, body: undefined }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        if (String(res.headers['content-type'] ?? '').includes('json')) {
          try {
            parsed = JSON.parse(text);
          } catch {
            // left as text
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, error: error.message, headers: {}, body: undefined }));
    req.end(payload);
  });
}

const describe = (r) =>
  `HTTP ${r.status}${r.error ? ` ${r.error}` : ''} ${typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body ?? '').slice(0, 200)}`;

/** Whether a failure is one a citizen would answer by pressing again (something is down). */
const transient = (r) => r.status === 0 || r.status >= 500 || r.status === 429;

const stats = { retries: 0, relogins: 0, submitLookups: 0, orphanDrafts: 0, answers: {} };

/** Counts the answer a request got while something was down (0: no connection at all). */
const noteFailure = (r) => {
  stats.answers[r.status] = (stats.answers[r.status] ?? 0) + 1;
};

function cookieOf(response) {
  const raw = response.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return lines
    .map((line) => line.split(';')[0])
    .filter((pair) => pair.split('=')[1])
    .join('; ');
}

/**
 * Sends a request again while it fails transiently (at most `seconds`), logging the citizen in
 * again when the session is gone (Redis, which keeps the sessions, restarted empty).
 */
async function persist(port, citizen, method, path, body, seconds = 180) {
  const until = Date.now() + seconds * 1000;
  for (let attempt = 0; ; attempt++) {
    const response = await call(port, method, path, { body, cookie: citizen?.cookie });
    if (response.status === 401 && citizen) {
      await login(port, citizen);
      continue;
    }
    if (!transient(response) || Date.now() > until) return response;
    noteFailure(response);
    stats.retries++;
    await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
  }
}

function login(port, citizen) {
  // One login at a time per citizen: every loop that found the session gone waits for the same one.
  citizen.loggingIn ??= (async () => {
    stats.relogins++;
    const response = await persist(port, undefined, 'POST', '/api/v1/auth/login', {
      email: citizen.email,
      password: citizen.password,
    });
    if (response.status >= 300) throw new Error(`login of ${citizen.email}: ${describe(response)}`);
    citizen.cookie = cookieOf(response);
  })().finally(() => {
    citizen.loggingIn = undefined;
  });
  return citizen.loggingIn;
}

async function registerCitizen(port, mail, index, run) {
  const email = `buerger-${index}-${run}@example.org`;
  const citizen = { email, password: `Ein gutes Passwort ${index} ${run}`, cookie: '', loggingIn: undefined };
  const registered = await persist(port, undefined, 'POST', '/api/v1/auth/register', {
    email,
    password: citizen.password,
    name: `Erika Muster ${index}`,
  });
  if (registered.status >= 300) throw new Error(`register ${email}: ${describe(registered)}`);
  const until = Date.now() + 60_000;
  while (!mail.tokens.has(email)) {
    if (Date.now() > until) throw new Error(`no confirmation mail for ${email} within 60 s`);
    await sleep(100);
  }
  const verified = await persist(port, undefined, 'POST', '/api/v1/auth/verify', { token: mail.tokens.get(email) });
  if (verified.status >= 300) throw new Error(`verify ${email}: ${describe(verified)}`);
  citizen.cookie = '';
  await login(port, citizen);
  return citizen;
}

/**
 * One submission as a citizen makes it: a draft, the answers, submit. A draft that may have been
 * made when its answer was lost stays a draft (counted); a submit whose answer was lost is looked
 * up before it is sent again, so the application is submitted once.
 */
async function submitOne(port, citizen, n) {
  const draft = await persist(port, citizen, 'POST', '/api/v1/applications', { serviceKey: SERVICE });
  if (draft.status !== 201) throw new Error(`draft #${n}: ${describe(draft)}`);
  const id = draft.body.id;
  const answers = {
    vorname: 'Erika',
    nachname: `Muster ${n}`,
    anliegen: `Anliegen Nummer ${n}: bitte um Rückruf.`,
  };
  const saved = await persist(port, citizen, 'PUT', `/api/v1/applications/${id}/answers`, { answers });
  if (saved.status !== 200 || (saved.body.errors ?? []).length) throw new Error(`answers #${n}: ${describe(saved)}`);
  const until = Date.now() + 180_000;
  for (let attempt = 0; ; attempt++) {
    const submitted = await call(port, 'POST', `/api/v1/applications/${id}/submit`, { cookie: citizen.cookie });
    if (submitted.status === 200 && submitted.body?.number) return { id, number: submitted.body.number };
    if (submitted.status === 401) {
      await login(port, citizen);
      continue;
    }
    if (!transient(submitted) && submitted.status !== 409) throw new Error(`submit #${n}: ${describe(submitted)}`);
    if (transient(submitted)) noteFailure(submitted);
    // Did it go through before the answer was lost? Look before pressing again.
    stats.submitLookups++;
    const seen = await persist(port, citizen, 'GET', `/api/v1/applications/${id}`);
    if (seen.status === 200 && seen.body.status !== 'draft' && seen.body.number) {
      return { id, number: seen.body.number };
    }
    if (Date.now() > until) throw new Error(`submit #${n}: still failing after 180 s: ${describe(submitted)}`);
    stats.retries++;
    await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
  }
}

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  if (!existsSync(join(ROOT, APPS.worker.main)) || !existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const N = OPTIONS.submissions;
  const plan = {
    kills: moments(fractions('kill-at'), OPTIONS.kills),
    redis: moments(fractions('redis-at'), OPTIONS.redisRestarts),
    pg: moments(fractions('pg-at'), OPTIONS.pgRestarts),
    receiver: OPTIONS.receiverAwaySeconds > 0 ? moments(fractions('receiver-at'), 1) : [],
  };
  log(
    `${N} submissions, ${OPTIONS.concurrency} at a time by ${OPTIONS.citizens} citizens; seed ${OPTIONS.seed}; ` +
      `worker kills at ${fmtMoments(plan.kills)}, Redis restarts at ${fmtMoments(plan.redis)}, ` +
      `PostgreSQL restarts at ${fmtMoments(plan.pg)}, receiver away ${OPTIONS.receiverAwaySeconds} s at ${fmtMoments(plan.receiver)}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'or-faults-'));
  // The postgres user must reach its cluster's directory below this one.
  chmodSync(dir, 0o711);
  const keep = argv.includes('--keep');
  undo.push(() => (keep ? log(`kept ${dir} (logs, database files)`) : rmSync(dir, { recursive: true, force: true })));
  const logs = join(dir, 'logs');
  mkdirSync(logs);

  log('starting PostgreSQL and Redis of our own');
  const pg = await startPostgres(join(dir, 'pg'));
  undo.push(() => pg.stop());
  const redis = await startRedis(join(dir, 'redis'));
  undo.push(() => redis.stop());
  const { Client } = require('pg');
  const admin = new Client({ connectionString: pg.url('postgres') });
  await admin.connect();
  await admin.query('create database openrathaus');
  await admin.end();

  const mail = await startMailServer();
  undo.push(() => mail.close());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startReceiver(dir, secret);
  undo.push(() => receiver.close());

  // The tenants folder: the harness's tenant with the receiver as its webhook target.
  const tenantsDir = join(dir, 'tenants');
  cpSync(join(ROOT, 'bench', 'faults', SLUG), join(tenantsDir, SLUG), { recursive: true });
  const tenantFile = join(tenantsDir, SLUG, 'tenant.yaml');
  writeFileSync(tenantFile, readFileSync(tenantFile, 'utf8').replace(TARGET_PLACEHOLDER, receiver.url));

  const run = randomBytes(3).toString('hex');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    DATABASE_URL: pg.url('openrathaus_app', 'openrathaus'),
    REDIS_URL: redis.url,
    SMTP_URL: mail.url,
    MAIL_FROM: 'serviceportal@pruefstadt.test',
    APP_SECRET: randomBytes(32).toString('hex'),
    TENANTS_DIR: tenantsDir,
    DATA_DIR: join(dir, 'data'),
    STORAGE_DIR: join(dir, 'files'),
    LOG_LEVEL: 'info',
    [`DELIVERY_SECRET_${SLUG.toUpperCase()}_FACHVERFAHREN`]: secret,
    DELIVERY_ALLOW_HOSTS: '127.0.0.1',
    DELIVERY_TIMEOUT_MS: '5000',
    DELIVERY_RETRY_BASE_MS: '500',
    DELIVERY_RETRY_MAX_MS: '5000',
    DELIVERY_POLL_MS: '500',
    DELIVERY_GIVE_UP_MINUTES: '240',
    // The receiver's self-made certificate, trusted like an office's CA would be.
    NODE_EXTRA_CA_CERTS: receiver.cert,
  };
  const port = Number(env.PORT);

  log('migrating and syncing the tenants folder with the command line');
  const cli = (...args) =>
    execFileSync(
      process.execPath,
      ['-r', './tools/register-paths.cjs', join('dist', 'apps', 'cli', 'src', 'main.js'), ...args],
      {
        cwd: ROOT,
        // The owner's URL for the migrate step only; portal and worker get the application role's.
        env: { ...env, DATABASE_OWNER_URL: pg.url('postgres', 'openrathaus') },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  cli('db', 'migrate');
  cli('tenants', 'sync', tenantsDir);

  const portal = app('portal', env, logs);
  const worker = app('worker', env, logs);
  undo.push(() => portal.close());
  undo.push(() => worker.close());
  log('starting portal and worker');
  await Promise.all([portal.start(), worker.start()]);

  /** @type {import('pg').Client | undefined} */
  let ownerClient;
  /**
   * A query as the owner; the connection is made anew after a PostgreSQL restart.
   * @param {string} sql
   * @param {unknown[]} [params]
   * @returns {Promise<any[]>}
   */
  const ownerQuery = async (sql, params) => {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!ownerClient) {
          ownerClient = new Client({ connectionString: pg.url('postgres', 'openrathaus') });
          ownerClient.on('error', () => undefined);
          await ownerClient.connect();
        }
        return (await ownerClient.query(sql, params)).rows;
      } catch (error) {
        await ownerClient?.end().catch(() => undefined);
        ownerClient = undefined;
        // Only a connection that broke is tried again; a fault of the query is not.
        const code = String(/** @type {{ code?: string }} */ (error)?.code ?? '');
        const connection = !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57');
        if (!connection || attempt > 30) throw error;
        await sleep(1000);
      }
    }
  };
  undo.push(() => ownerClient?.end().catch(() => undefined));

  log(`registering ${OPTIONS.citizens} citizens`);
  const citizens = [];
  for (let i = 0; i < OPTIONS.citizens; i++) citizens.push(await registerCitizen(port, mail, i, run));

  // The faults, each at its moment (a share of the submissions done); the worker's one at a time.
  let workerOps = Promise.resolve();
  const onWorker = (what) => (workerOps = workerOps.then(what, what));
  const faults = [
    ...plan.kills.map((at, i) => ({
      at,
      name: `worker SIGKILL ${i + 1}`,
      run: () =>
        onWorker(async () => {
          await worker.kill();
          await sleep(500 + random() * 2500);
          await worker.start();
        }),
    })),
    ...plan.redis.map((at, i) => ({ at, name: `Redis restart ${i + 1}`, run: () => redis.restart() })),
    ...plan.pg.map((at, i) => ({ at, name: `PostgreSQL restart ${i + 1}`, run: () => pg.restart() })),
    ...plan.receiver.map((at) => ({
      at,
      name: `receiver away ${OPTIONS.receiverAwaySeconds} s`,
      run: () => receiver.away(OPTIONS.receiverAwaySeconds),
    })),
  ].sort((a, b) => a.at - b.at);
  const running = [];
  let done = 0;
  const progress = () => {
    while (faults.length && faults[0].at * N <= done) {
      const fault = faults.shift();
      log(`fault: ${fault.name} (at ${done} of ${N} submissions)`);
      const t0 = performance.now();
      running.push(
        Promise.resolve()
          .then(fault.run)
          .then(
            () => log(`fault over: ${fault.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`),
            (error) => {
              log(`fault ${fault.name} failed: ${error.message}`);
              throw error;
            },
          ),
      );
    }
  };

  log(`submitting ${N} applications`);
  const submitted = [];
  let next = 0;
  const submitStart = performance.now();
  progress();
  await Promise.all(
    Array.from({ length: OPTIONS.concurrency }, async (_, loop) => {
      while (next < N) {
        const n = next++;
        submitted.push(await submitOne(port, citizens[(loop + n) % citizens.length], n));
        done++;
        if (done % Math.max(1, Math.floor(N / 10)) === 0) log(`${done} of ${N} submitted`);
        progress();
      }
    }),
  );
  const submitSeconds = (performance.now() - submitStart) / 1000;
  log(`${N} submitted in ${submitSeconds.toFixed(1)} s (${(N / submitSeconds).toFixed(1)} per second)`);
  progress();
  await Promise.all(running);
  await workerOps;

  // Settling: every application completed, its mail and its hand-off arrived; then a quiet while
  // in which late repeats would still show.
  const numbers = new Set(submitted.map((s) => s.number));
  const ids = submitted.map((s) => s.id);
  const count = async () => {
    const [documents, statuses] = await Promise.all([
      ownerQuery(
        `select a.number, count(d.id)::int as n from public.applications a
           left join public.documents d on d.application_id = a.id
          where a.id = any($1::uuid[]) group by a.number`,
        [ids],
      ),
      ownerQuery(
        `select status, count(*)::int as n from public.applications where id = any($1::uuid[]) group by status`,
        [ids],
      ),
    ]);
    return {
      documents: new Map(documents.map((r) => [r.number, r.n])),
      statuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
    };
  };
  const settleStart = performance.now();
  const deadline = Date.now() + OPTIONS.settleTimeoutSeconds * 1000;
  let settled = false;
  let lastNote = 0;
  for (;;) {
    const now = await count();
    const handedOver = [...numbers].filter((x) => receiver.byNumber.has(x)).length;
    const mailed = [...numbers].filter((x) => mail.confirmations.has(x) && mail.receipts.has(x)).length;
    const documented = [...numbers].filter((x) => (now.documents.get(x) ?? 0) > 0).length;
    const completed = now.statuses.completed ?? 0;
    if (handedOver === N && mailed === N && documented === N && completed === N) {
      settled = true;
      break;
    }
    if (Date.now() > deadline) break;
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      log(
        `settling: ${completed} completed, ${documented} documents, ${mailed} mails, ${handedOver} hand-offs of ${N} (${JSON.stringify(now.statuses)})`,
      );
    }
    await sleep(1000);
  }
  const settleSeconds = (performance.now() - settleStart) / 1000;
  log(settled ? `settled in ${settleSeconds.toFixed(1)} s; a quiet while for late repeats` : 'not settled in time');
  await sleep(settled ? Math.max(5000, 2 * Number(env.DELIVERY_POLL_MS)) : 0);

  // The count.
  const final = await count();
  const others = await ownerQuery(
    `select count(*) filter (where a.status <> 'draft')::int as submitted,
            count(*) filter (where a.status = 'draft')::int as drafts
       from public.applications a join public.tenants t on t.id = a.tenant_id where t.slug = $1`,
    [SLUG],
  );
  const deliveries = await ownerQuery(
    `select status, count(*)::int as n from public.deliveries where application_id = any($1::uuid[]) group by status`,
    [ids],
  );
  const row = (name, perNumber) => {
    let received = 0;
    let doubled = 0;
    let missing = 0;
    for (const x of numbers) {
      const n = perNumber(x);
      received += n;
      if (n === 0) missing++;
      if (n > 1) doubled++;
    }
    return { name, expected: N, received, doubled, missing };
  };
  const rows = [
    row('documents', (x) => final.documents.get(x) ?? 0),
    row('confirmation mails', (x) => mail.confirmations.get(x)?.size ?? 0),
    row('receipt mails', (x) => mail.receipts.get(x)?.size ?? 0),
    row('hand-offs', (x) => receiver.byNumber.get(x)?.size ?? 0),
  ];
  const strangers = [
    ...[...mail.confirmations.keys()].filter((x) => !numbers.has(x)),
    ...[...receiver.byNumber.keys()].filter((x) => !numbers.has(x)),
  ];
  const totalSeconds = (performance.now() - started) / 1000;

  const lines = [
    '',
    `| what | expected | received | doubled | missing |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...rows.map((r) => `| ${r.name} | ${r.expected} | ${r.received} | ${r.doubled} | ${r.missing} |`),
    '',
    `applications: ${N} submitted by the harness, ${others[0].submitted} submitted in the database, ` +
      `${final.statuses.completed ?? 0} completed (${JSON.stringify(final.statuses)}); ` +
      `${others[0].drafts} drafts left over from retried requests`,
    `hand-offs in the database: ${JSON.stringify(Object.fromEntries(deliveries.map((d) => [d.status, d.n])))}; ` +
      `messages at the receiver ${receiver.stats().messages}, of which repeats of an id already received ` +
      `${receiver.stats().repeats} (dropped by webhook-id); refused ${JSON.stringify(Object.fromEntries(receiver.refused))}`,
    `mails at the SMTP server: ${mail.stats().total}, repeats of a Message-ID already received ${mail.stats().repeats}`,
    `numbers nobody submitted: ${strangers.length}`,
    `client: ${stats.retries} requests sent again, ${stats.relogins} logins (sessions lost with Redis count here), ` +
      `${stats.submitLookups} submissions looked up before pressing again; ` +
      `answers while something was down: ${
        Object.entries(stats.answers)
          .map(([status, n]) => `${status === '0' ? 'no connection' : status} ×${n}`)
          .join(', ') || 'none'
      }`,
    `faults: worker killed ${plan.kills.length}×, Redis restarted ${plan.redis.length}×, PostgreSQL restarted ${plan.pg.length}×, ` +
      `receiver away ${plan.receiver.length ? `${OPTIONS.receiverAwaySeconds} s` : 'never'}; seed ${OPTIONS.seed}`,
    `unexpected exits: ${[...portal.unexpected, ...worker.unexpected].join('; ') || 'none'}`,
    `time: ${totalSeconds.toFixed(0)} s in all; submissions ${submitSeconds.toFixed(1)} s (${(N / submitSeconds).toFixed(1)}/s), ` +
      `settling ${settleSeconds.toFixed(1)} s`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const failed =
    !settled ||
    rows.some((r) => r.doubled || r.missing || r.received !== r.expected) ||
    others[0].submitted !== N ||
    (final.statuses.completed ?? 0) !== N ||
    strangers.length > 0 ||
    portal.unexpected.length + worker.unexpected.length > 0;
  if (failed) {
    process.stdout.write('\nFAILED\n');
    process.stderr.write(
      `\n--- worker log (end) ---\n${worker.logTail()}\n--- portal log (end) ---\n${portal.logTail()}\n`,
    );
    process.stderr.write(`--- postgres log (end) ---\n${pg.logTail()}\n--- redis log (end) ---\n${redis.logTail()}\n`);
  } else process.stdout.write('\nOK: every application has one document, one mail and one hand-off\n');
  return failed ? 1 : 0;
}

function fmtMoments(list) {
  return list.length ? list.map((x) => `${Math.round(x * 100)} %`).join(', ') : 'never';
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`\nfault harness failed: ${inspect(error)}\n`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
