import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Server, Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ProtocolQueue } from './protocol-queue';

const logger = new Logger('EmbeddedPostgres');

/** The in-process PostgreSQL of the embedded mode, reachable with the ordinary `pg` driver. */
export interface EmbeddedPostgres {
  url: string;
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

/**
 * Starts PGlite on `<dataDir>/pg` and serves it on a loopback port, so that the application
 * talks to it through the same driver and code path as to a real PostgreSQL.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  // PGlite ignores the search_path a client sends at connect; BullMQ's tables live in `bullmq`.
  await db.exec('SET search_path TO bullmq, public');
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  // The server hands its queue to every connection it accepts; replace it before the first one.
  (server as unknown as { queryQueue: ProtocolQueue }).queryQueue = new ProtocolQueue(db);
  await server.start();
  guardSockets(server);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
