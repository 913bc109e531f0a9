import { Queue, Worker, createPostgresBackend, withBackend } from 'bullmq';
import type { Processor, WorkerOptions } from 'bullmq';
import { Logger } from '@nestjs/common';
import IORedis, { RedisOptions } from 'ioredis';
import { Pool } from 'pg';

const logger = new Logger('Queues');

/**
 * Where the queues live: Redis in production, BullMQ's PostgreSQL backend on the embedded
 * database otherwise. Only the connection differs; queues and workers are the same classes.
 */
export interface QueueBackend {
  readonly kind: 'redis' | 'postgres';
  createQueue(name: string): Queue;
  createWorker(name: string, processor: Processor, options?: Partial<WorkerOptions>): Worker;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Quits a connection politely when it is up; one that never came up is dropped (quit would wait for it). */
export async function closeRedis(connection: IORedis): Promise<void> {
  if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
}

/** A Redis connection whose errors are logged where it is made: ioredis reconnects by itself. */
export function redisConnection(url: string, options: RedisOptions, purpose: string): IORedis {
  const connection = new IORedis(url, options);
  connection.on('error', (error: Error) => logger.warn({ err: error, purpose }, 'Redis connection error'));
  return connection;
}

/** A queue whose errors (its connection's, mostly) are logged instead of thrown from an emitter. */
const watched = (queue: Queue, name: string): Queue => {
  queue.on('error', (error: Error) => logger.warn({ err: error, queue: name }, 'queue error'));
  return queue;
};

export function redisQueueBackend(url: string, prefix: string): QueueBackend {
  // One connection for the queues; workers need their own blocking connection each.
  const shared = redisConnection(url, { maxRetriesPerRequest: null, lazyConnect: false }, 'queues');
  const workerConnections: IORedis[] = [];
  const workers: Worker[] = [];
  return {
    kind: 'redis',
    createQueue: (name) => watched(new Queue(name, { prefix, connection: shared }), name),
    createWorker: (name, processor, options) => {
      const connection = redisConnection(url, { maxRetriesPerRequest: null }, `worker ${name}`);
      workerConnections.push(connection);
      const worker = new Worker(name, processor, { ...options, prefix, connection: connection });
      workers.push(worker);
      return worker;
    },
    ping: async () => {
      await shared.ping();
    },
    close: async () => {
      // Workers first: a worker whose connection closes under it reports errors while it stops.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([shared, ...workerConnections].map(closeRedis));
    },
  };
}

/** `url` connects as the application role; the queue store was migrated by the owner before. */
export async function postgresQueueBackend(url: string, embedded: boolean): Promise<QueueBackend> {
  const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
  // BullMQ's migrations ran as the schema owner (`migrateQueueStore`); this role only checks the schema.
  const checker = new PgQueue('openrathaus-check', { connection: { connectionString: url, max: 1 } });
  await checker.waitUntilReady();
  await checker.close();
  // Every worker holds a client while it waits for jobs: room for one per queue (seven now) and the
  // queues' own calls besides; a pool smaller than the workers starves the queues past it.
  const pool = new Pool({ connectionString: url, max: embedded ? 12 : 20, options: '-c search_path=bullmq' });
  // An idle client whose connection breaks (the database restarted) is reported here, not thrown.
  pool.on('error', (error) => logger.warn({ err: error }, 'queue database connection error'));
  const connection = pool as unknown as ConstructorParameters<typeof PgQueue>[1]['connection'];
  const workers: Worker[] = [];
  return {
    kind: 'postgres',
    createQueue: (name) => watched(new PgQueue(name, { connection }) as unknown as Queue, name),
    createWorker: (name, processor, options) => {
      const worker = new PgWorker(name, processor, {
        ...options,
        connection,
        // Idle workers hear of new jobs late on the embedded database: look again soon.
        ...(embedded ? { drainDelay: 1 } : {}),
      }) as unknown as Worker;
      workers.push(worker);
      return worker;
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await pool.end();
    },
  };
}
