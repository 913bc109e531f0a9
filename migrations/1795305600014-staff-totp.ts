import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts get a name, offices, a switch to disable them, a session generation (raising it
 * ends every session of the account) and the second factor: a sealed TOTP secret, when it was
 * confirmed, the last time step used (a code is accepted once) and the hashes of the recovery codes.
 */
export class StaffTotp1795305600014 implements MigrationInterface {
  name = 'StaffTotp1795305600014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table public.staff_accounts
        add column name text,
        add column offices text[] not null default '{}',
        add column disabled_at timestamptz,
        add column session_generation integer not null default 0,
        add column totp_secret text,
        add column totp_enrolled_at timestamptz,
        add column totp_last_step bigint,
        add column recovery_codes text[] not null default '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table public.staff_accounts
        drop column name, drop column offices, drop column disabled_at, drop column session_generation,
        drop column totp_secret, drop column totp_enrolled_at, drop column totp_last_step,
        drop column recovery_codes`);
  }
}
