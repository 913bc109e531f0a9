import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { MixedList } from 'typeorm';
import { AppConfig } from '@openrathaus/core';
import { startEmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './migrate';
import { migrateQueueStore } from './queue-store';

export interface PreparedDatabase {
  /** The configuration with the database URLs resolved. */
  config: AppConfig;
  stop(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
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

/**
 * Resolves where PostgreSQL is. In embedded mode it starts PGlite under DATA_DIR, or, when another
 * process of the platform already serves that database (the portal, while the CLI runs), uses it;
 * PGlite's files must never be opened by two processes. Runs migrations when asked to (and, without
 * Redis, those of BullMQ's PostgreSQL queue store).
 */
export async function prepareDatabase(
  config: AppConfig,
  migrations: MixedList<Function>,
  options: { migrate: boolean },
): Promise<PreparedDatabase> {
  const logger = new Logger('Database');
  let resolved = config;
  let stop = (): Promise<void> => Promise.resolve();
  if (config.embedded) {
    const url = `postgres://postgres@127.0.0.1:${config.embeddedDbPort}/postgres`;
    if (await reachable(url)) {
      logger.log(`using the embedded database served on port ${config.embeddedDbPort}`);
    } else {
      const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedDbPort);
      logger.log(`embedded PostgreSQL (PGlite) in ${config.dataDir}/pg on 127.0.0.1:${config.embeddedDbPort}`);
      stop = () => embedded.stop();
    }
    resolved = { ...config, databaseUrl: url, databaseOwnerUrl: url };
  }
  if (options.migrate) {
    const owner = resolved.databaseOwnerUrl ?? resolved.databaseUrl;
    if (!owner) throw new Error('no database URL for migrations');
    const ran = await runMigrations(owner, migrations);
    if (ran.length) logger.log(`migrations run: ${ran.join(', ')}`);
    // Without Redis the queues live in PostgreSQL: the owner lays out their schema, the application uses it.
    if (!resolved.redisUrl) await migrateQueueStore(owner);
  }
  return { config: resolved, stop };
}
