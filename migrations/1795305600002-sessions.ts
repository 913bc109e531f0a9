import { MigrationInterface, QueryRunner } from 'typeorm';

/** Server-side sessions where there is no Redis (the embedded mode). */
export class Sessions1795305600002 implements MigrationInterface {
  name = 'Sessions1795305600002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.sessions (
        id text primary key,
        data jsonb not null,
        expires_at timestamptz not null
      )`);
    await q.query(`create index sessions_expires on public.sessions (expires_at)`);
    await q.query(`grant select, insert, update, delete on public.sessions to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.sessions`);
  }
}
