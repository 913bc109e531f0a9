import { EntityManager } from 'typeorm';

/**
 * Makes writers of the same kind (syncs and publications, which rewrite many tenants' service
 * lists) take turns: a transaction-level advisory lock, released with the transaction. Readers are
 * never blocked.
 */
export async function takeWriteLock(manager: EntityManager, name: string): Promise<void> {
  await manager.query(`select pg_advisory_xact_lock(hashtext($1))`, [`openrathaus:${name}`]);
}
