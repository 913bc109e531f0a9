import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the last sync of a tenants folder saw: a hash of every file in the folder, the load options
 * and the database's tenants and definitions after it. A start whose folder and database hash the
 * same has nothing to sync and skips reading 11,000 tenant files.
 */
export class TenantSyncFingerprints1795305600022 implements MigrationInterface {
  name = 'TenantSyncFingerprints1795305600022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.tenant_sync_fingerprints (
        dir text primary key,
        fingerprint text not null,
        synced_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.tenant_sync_fingerprints`);
  }
}
