import { runMigrations as runQueueMigrations } from 'bullmq';
import { Client } from 'pg';
import { APP_ROLE } from './app-role';

/** The schema of BullMQ's PostgreSQL backend (its default). */
export const QUEUE_SCHEMA = 'bullmq';

/**
 * Lays out the queue store of BullMQ's PostgreSQL backend as the schema owner and lets the
 * application role use it, never own it: the queues then connect with the application's URL.
 * Idempotent; default privileges cover tables a later BullMQ version adds.
 */
export async function migrateQueueStore(ownerUrl: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl, application_name: 'openrathaus-migrate' });
  await client.connect();
  try {
    await runQueueMigrations(client, QUEUE_SCHEMA);
    for (const statement of [
      `grant usage on schema ${QUEUE_SCHEMA} to ${APP_ROLE}`,
      `grant select, insert, update, delete on all tables in schema ${QUEUE_SCHEMA} to ${APP_ROLE}`,
      `grant usage, select, update on all sequences in schema ${QUEUE_SCHEMA} to ${APP_ROLE}`,
      `alter default privileges in schema ${QUEUE_SCHEMA} grant select, insert, update, delete on tables to ${APP_ROLE}`,
      `alter default privileges in schema ${QUEUE_SCHEMA} grant usage, select, update on sequences to ${APP_ROLE}`,
    ])
      await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
  }
}
