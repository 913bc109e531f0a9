#!/usr/bin/env node
/**
 * The server under test, as a child process of a benchmark: `node bench/lib/server.mjs bare|portal`.
 *
 * - bare: Fastify with one route, `GET /`, answering BENCH_BARE_HTML (default: a hello-world page), or
 *   the bytes of BENCH_BARE_BODY (base64) with `Content-Encoding: BENCH_BARE_ENCODING`.
 * - worker: the compiled worker (dist/), processing every queue.
 * - portal: the compiled app (dist/) in production mode with the *.localhost hosts on; the tenants
 *   folder is BENCH_TENANTS_DIR (default: tenants/), synced on start unless BENCH_SYNC_TENANTS=false.
 *
 * It tells its parent `{ ready, port }` over IPC and then answers the messages `cpu` (CPU time so
 * far), `mem` (memory after a full garbage collection) and `stop`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BARE_HTML, ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'package.json'));

/** A full collection, so that heap figures compare between readings (no --expose-gc needed). */
function collectGarbage() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  gc();
  gc();
}

async function serve(kind) {
  let close;
  if (kind === 'bare') {
    const Fastify = require('fastify');
    const app = Fastify({ logger: false });
    // BENCH_BARE_BODY (base64) with BENCH_BARE_ENCODING: the very bytes the portal sent, e.g. Brotli.
    const body = process.env.BENCH_BARE_BODY
      ? Buffer.from(process.env.BENCH_BARE_BODY, 'base64')
      : process.env.BENCH_BARE_HTML || BARE_HTML;
    const encoding = process.env.BENCH_BARE_ENCODING;
    app.get('/', (_request, reply) => {
      if (encoding) void reply.header('content-encoding', encoding);
      return reply.type('text/html; charset=utf-8').send(body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.send({ ready: true, port: /** @type {import('node:net').AddressInfo} */ (app.server.address()).port });
    close = () => app.close();
  } else if (kind === 'portal') {
    require(join(ROOT, 'tools', 'register-paths.cjs'));
    require('reflect-metadata');
    const { loadConfig } = require(join(ROOT, 'dist', 'libs', 'core', 'src', 'index.js'));
    const { startPortal } = require(join(ROOT, 'dist', 'apps', 'portal', 'src', 'portal.js'));
    const config = loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      SYNC_TENANTS_ON_START: process.env.BENCH_SYNC_TENANTS === 'false' ? 'false' : 'true',
      MIGRATE_ON_START: 'false',
      // Production turns the *.localhost hosts off; the benchmark addresses tenants by them.
      DEV_HOSTS: 'true',
      TENANTS_DIR: process.env.BENCH_TENANTS_DIR || join(ROOT, 'tenants'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Production wants both; a benchmark that sends no mail gets a port where nothing listens.
      APP_SECRET: process.env.APP_SECRET || randomBytes(32).toString('hex'),
      SMTP_URL: process.env.SMTP_URL || 'smtp://127.0.0.1:9',
      // Load to saturation is what the benchmarks measure; shedding by the event loop's delay would
      // refuse some of it on a busy machine. Set it to measure the shedding.
      MAX_EVENT_LOOP_DELAY_MS: process.env.MAX_EVENT_LOOP_DELAY_MS ?? '0',
    });
    const portal = await startPortal(config);
    process.send({ ready: true, port: portal.config.port });
    close = () => portal.close();
  } else if (kind === 'worker') {
    require(join(ROOT, 'tools', 'register-paths.cjs'));
    require('reflect-metadata');
    const { NestFactory } = require('@nestjs/core');
    const { loadConfig } = require(join(ROOT, 'dist', 'libs', 'core', 'src', 'index.js'));
    const { prepareDatabase } = require(join(ROOT, 'dist', 'libs', 'database', 'src', 'index.js'));
    const { MIGRATIONS } = require(join(ROOT, 'dist', 'migrations', 'index.js'));
    const { WorkerModule } = require(join(ROOT, 'dist', 'apps', 'worker', 'src', 'worker.module.js'));
    const base = loadConfig({ ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const { config } = await prepareDatabase(base, MIGRATIONS, { migrate: false });
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    process.send({ ready: true, port: 0 });
    close = () => app.close();
  } else {
    throw new Error(`unknown server kind ${kind} (known: bare, portal, worker)`);
  }
  process.on('message', async (message) => {
    if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (message === 'mem') {
      collectGarbage();
      process.send({ mem: process.memoryUsage() });
    }
    if (message === 'stop') {
      await close().catch((error) => console.error(error));
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

serve(process.argv[2]).catch((error) => {
  console.error(error);
  process.exit(1);
});
