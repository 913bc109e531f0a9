import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** E-mails and mailbox messages. */
export class Messaging1795305600010 implements MigrationInterface {
  name = 'Messaging1795305600010';

  async up(q: QueryRunner): Promise<void> {
    // One row per e-mail: written with the change that causes it, rendered and sent by the worker.
    await q.query(`
      create table public.mails (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        application_id uuid references public.applications(id) on delete set null,
        to_address text not null,
        locale text not null default 'de',
        template text,
        subject_source jsonb,
        body_source jsonb,
        data jsonb not null default '{}',
        attachments jsonb not null default '[]',
        status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
        -- A run sending the mail holds it until then; after that, a retried run may take it over.
        claimed_until timestamptz,
        attempts integer not null default 0,
        message_id text,
        sent_at timestamptz,
        error text,
        created_at timestamptz not null default now(),
        check ((template is null) <> (subject_source is null and body_source is null))
      )`);
    await q.query(`create index mails_tenant_created on public.mails (tenant_id, created_at desc)`);
    await q.query(`create index mails_application on public.mails (tenant_id, application_id)`);
    await enableTenantRls(q, 'mails');
    await q.query(`grant select, insert, update on public.mails to openrathaus_app`);

    // Subject and body per language ({"de": …, "en": …}): the citizen reads them in the language
    // of the page, which may not be the one they applied in.
    await q.query(`
      create table public.mailbox_messages (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        citizen_id uuid not null,
        application_id uuid references public.applications(id) on delete cascade,
        subject jsonb not null,
        body jsonb not null,
        sender text not null check (sender in ('system', 'staff')),
        read_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    await q.query(
      `create index mailbox_messages_citizen on public.mailbox_messages (tenant_id, citizen_id, created_at desc)`,
    );
    await enableTenantRls(q, 'mailbox_messages');
    await q.query(`grant select, insert, update on public.mailbox_messages to openrathaus_app`);

    // Development only: what the capture transport "sent", shared by portal and worker. Not
    // tenant-owned (the list on localhost shows every tenant's mails), bounded by the transport.
    await q.query(`
      create table public.captured_mails (
        id bigserial primary key,
        tenant_id uuid,
        to_address text not null,
        from_address text not null,
        subject text not null,
        text text not null,
        html text not null,
        attachments jsonb not null default '[]',
        sent_at timestamptz not null default now()
      )`);
    await q.query(`grant select, insert, delete on public.captured_mails to openrathaus_app`);
    await q.query(`grant usage, select on sequence public.captured_mails_id_seq to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.captured_mails`);
    await q.query(`drop table public.mailbox_messages`);
    await q.query(`drop table public.mails`);
  }
}
