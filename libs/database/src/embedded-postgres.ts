import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Server, Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { DatabaseError, DatabaseErrorCode } from './database.error';
import {
  claimEmbeddedLock,
  embeddedLockPath,
  isStale,
  readEmbeddedLock,
  recordEmbeddedPort,
  releaseEmbeddedLock,
} from './embedded-lock';
import { ProtocolQueue } from './protocol-queue';

const logger = new Logger('EmbeddedPostgres');

/** The in-process PostgreSQL of the embedded mode, reachable with the ordinary `pg` driver. */
export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Keeps an error on a client's socket from ending the process. The socket server listens for
 * errors while a client is attached, but drops every listener when it detaches and then closes
 * the socket, whose last write may still fail (EPIPE, ECONNRESET): each socket keeps one listener
 * of its own for its whole life.
 */
function guardSockets(server: PGLiteSocketServer): void {
  const net = (server as unknown as { server: Server | null }).server;
  net?.on('connection', (socket: Socket) => {
    const onError = (error: Error) => logger.debug({ err: error }, 'embedded database client socket error');
    socket.on('error', onError);
    const removeAll = socket.removeAllListeners.bind(socket);
    socket.removeAllListeners = (event?: string | symbol) => {
      removeAll(event);
      if (event === undefined || event === 'error') socket.on('error', onError);
      return socket;
    };
  });
}

/** Serves `db` on `port`, or on a free port when another process (another data directory's database) has it. */
async function serve(db: PGlite, port: number): Promise<{ server: PGLiteSocketServer; port: number }> {
  const listen = async (at: number) => {
    const server = new PGLiteSocketServer({ db, port: at, host: '127.0.0.1', maxConnections: 64 });
    // The server hands its queue to every connection it accepts; replace it before the first one.
    (server as unknown as { queryQueue: ProtocolQueue }).queryQueue = new ProtocolQueue(db);
    await server.start();
    return { server, port: Number(server.getServerConn().split(':').pop()) };
  };
  try {
    return await listen(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const served = await listen(0);
    logger.warn(
      `port ${port} is taken (by another data directory's database or another program); ` +
        `this data directory's database is served on port ${served.port} instead`,
    );
    return served;
  }
}

/**
 * Starts PGlite on `<dataDir>/pg` and serves it on a loopback port (`port`, or a free one when that
 * is taken), so that the application talks to it through the same driver and code path as to a
 * real PostgreSQL. The caller holds the data directory's lock.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  // PGlite ignores the search_path a client sends at connect; BullMQ's tables live in `bullmq`.
  await db.exec('SET search_path TO bullmq, public');
  const served = await serve(db, port).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  guardSockets(served.server);
  return {
    url: embeddedUrl(served.port),
    port: served.port,
    async stop() {
      await served.server.stop();
      await db.close();
    },
  };
}

const embeddedUrl = (port: number): string => `postgres://postgres@127.0.0.1:${port}/postgres`;

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  // Reported through connect() and query(); a late error of the socket has nowhere else to go.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The embedded database of a data directory, served by this process or attached to from another. */
export interface EmbeddedDatabase extends EmbeddedPostgres {
  /** True when another process serves it (the portal, while the command line runs). */
  attached: boolean;
}

/**
 * The embedded database that belongs to `dataDir`, and no other. The lock file there names the
 * process that serves it and its port: a process finding a live lock attaches to that port; one
 * finding none (or one of a dead process) takes the lock, opens PGlite and serves it on `port`, or
 * on a free port when another data directory's database has that one. PGlite's files must never
 * be opened by two processes, and a database served for another data directory must never be used.
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  port: number,
  options: { waitMs?: number } = {},
): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const until = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    if (claimEmbeddedLock(dataDir)) {
      try {
        const started = await startEmbeddedPostgres(dataDir, port);
        recordEmbeddedPort(dataDir, started.port);
        return {
          ...started,
          attached: false,
          async stop() {
            await started.stop();
            releaseEmbeddedLock(dataDir);
          },
        };
      } catch (error) {
        releaseEmbeddedLock(dataDir);
        throw error;
      }
    }
    const lock = readEmbeddedLock(dataDir);
    if (lock && isStale(lock)) {
      logger.warn(`taking over ${embeddedLockPath(dataDir)}: process ${lock.pid} has ended`);
      releaseEmbeddedLock(dataDir, lock.pid);
      continue;
    }
    if (lock?.port !== undefined) {
      const url = embeddedUrl(lock.port);
      if (await answers(url)) return { url, port: lock.port, attached: true, stop: () => Promise.resolve() };
    }
    // No lock (it went away just now), or its process is still opening the database, or does not answer.
    if (lock && Date.now() > until) {
      throw new DatabaseError(
        DatabaseErrorCode.EmbeddedHeld,
        { dataDir, pid: lock.pid, port: lock.port },
        `the embedded database in ${dataDir} belongs to process ${lock.pid ?? '(unknown)'}` +
          (lock.port === undefined ? ', which has not served it yet' : `, which does not answer on port ${lock.port}`) +
          `; stop that process, or remove ${embeddedLockPath(dataDir)} if it is no process of the platform`,
      );
    }
    if (lock) await sleep(200);
  }
}
