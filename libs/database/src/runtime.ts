import { Logger } from '@nestjs/common';
import { MixedList } from 'typeorm';
import { AppConfig } from '@openrathaus/core';
import { openEmbeddedDatabase } from './embedded-postgres';
import { runMigrations } from './migrate';
import { migrateQueueStore } from './queue-store';

export interface PreparedDatabase {
  /** The configuration with the database URLs resolved. */
  config: AppConfig;
  stop(): Promise<void>;
}

/**
 * Resolves where PostgreSQL is. In embedded mode it starts PGlite under DATA_DIR, or, when another
 * process of the platform already serves that data directory's database (the portal, while the CLI
 * runs), attaches to it: the lock file in DATA_DIR names the port (see {@link openEmbeddedDatabase}).
 * Runs migrations when asked to (and, without Redis, those of BullMQ's PostgreSQL queue store).
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
    const embedded = await openEmbeddedDatabase(config.dataDir, config.embeddedDbPort);
    logger.log(
      embedded.attached
        ? `using the embedded database of ${config.dataDir}, served on port ${embedded.port}`
        : `embedded PostgreSQL (PGlite) in ${config.dataDir}/pg on 127.0.0.1:${embedded.port}`,
    );
    stop = () => embedded.stop();
    resolved = { ...config, databaseUrl: embedded.url, databaseOwnerUrl: embedded.url };
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
