import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/**
 * What the back office works with: the office an application is with and who has it, whom it is
 * for (name and confirmed address, for the search), when its status last changed and when it was
 * decided; counts per office and status kept by a trigger, so the inbox never counts a million
 * rows; caseworkers' internal notes. `withdrawn` joins the statuses.
 */
export class Casework1795305600013 implements MigrationInterface {
  name = 'Casework1795305600013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table public.applications drop constraint if exists applications_status_check`);
    await q.query(`
      alter table public.applications
        add constraint applications_status_check check (status in ('draft', 'submitted', 'payment_pending',
          'paid', 'in_review', 'needs_info', 'approved', 'rejected', 'completed', 'withdrawn')),
        add column office text,
        add column assignee_id uuid,
        add column applicant_name text,
        add column applicant_email text,
        add column status_changed_at timestamptz not null default now(),
        add column decided_at timestamptz`);
    // The inbox: newest submissions first, by status or office.
    await q.query(`
      create index applications_inbox on public.applications (tenant_id, submitted_at desc, id desc)
        where submitted_at is not null`);
    await q.query(`
      create index applications_inbox_status on public.applications (tenant_id, status, submitted_at desc, id desc)
        where submitted_at is not null`);
    await q.query(`
      create index applications_inbox_office on public.applications (tenant_id, office, status, submitted_at desc, id desc)
        where submitted_at is not null`);

    await q.query(`
      create table public.application_counts (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        office text not null,
        status text not null,
        n bigint not null default 0,
        primary key (tenant_id, office, status)
      )`);
    await enableTenantRls(q, 'application_counts');
    await q.query(`grant select on public.application_counts to openrathaus_app`);
    // Kept by the database itself: every submitted application is counted once, under its office
    // ('' for none) and status, whatever code changes it. Runs with the owner's rights, inside RLS.
    await q.query(`
      create function public.application_counts_keep() returns trigger
        language plpgsql security definer set search_path = public as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and old.submitted_at is not null then
          update public.application_counts set n = n - 1
            where tenant_id = old.tenant_id and office = coalesce(old.office, '') and status = old.status;
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new.submitted_at is not null then
          insert into public.application_counts (tenant_id, office, status, n)
            values (new.tenant_id, coalesce(new.office, ''), new.status, 1)
            on conflict (tenant_id, office, status) do update set n = application_counts.n + 1;
        end if;
        return null;
      end $$`);
    await q.query(`
      create trigger application_counts_keep
        after insert or delete or update of status, office, submitted_at on public.applications
        for each row execute function public.application_counts_keep()`);

    // An application's history is read by subject.
    await q.query(`create index audit_log_subject on public.audit_log (tenant_id, subject, created_at)`);
    // The search: every word of the number, the applicant's name and the e-mail address, found by
    // its start (`^@`, planned as a B-tree range on the C collation), which is leakproof and so usable under row-level
    // security; a trigram index for LIKE '%…%' is not (LIKE is not leakproof).
    await q.query(`
      create table public.application_terms (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        term text collate "C" not null,
        application_id uuid not null references public.applications(id) on delete cascade,
        primary key (tenant_id, term, application_id)
      )`);
    await q.query(`create index application_terms_application on public.application_terms (tenant_id, application_id)`);
    await enableTenantRls(q, 'application_terms');
    await q.query(`grant select on public.application_terms to openrathaus_app`);
    await q.query(`
      create function public.application_terms_keep() returns trigger
        language plpgsql security definer set search_path = public as $$
      begin
        if tg_op = 'UPDATE' then
          delete from public.application_terms where tenant_id = new.tenant_id and application_id = new.id;
        end if;
        insert into public.application_terms (tenant_id, term, application_id)
          select distinct new.tenant_id, w, new.id
            from (
              select lower(new.number) as w
              union all select lower(new.applicant_email)
              union all select split_part(lower(new.applicant_email), '@', 1)
              union all select regexp_split_to_table(lower(coalesce(new.applicant_name, '')), '\\s+')
              union all select regexp_split_to_table(lower(coalesce(new.applicant_name, '')), '[\\s-]+')
            ) words
           where w is not null and w <> '' and length(w) <= 200;
        return null;
      end $$`);
    await q.query(`
      create trigger application_terms_keep
        after insert or update of number, applicant_name, applicant_email on public.applications
        for each row when (new.submitted_at is not null) execute function public.application_terms_keep()`);

    await q.query(`
      create table public.case_notes (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        application_id uuid not null references public.applications(id) on delete cascade,
        author_id uuid not null,
        author text not null,
        body text not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index case_notes_application on public.case_notes (tenant_id, application_id, created_at)`);
    await enableTenantRls(q, 'case_notes');
    // Notes are a record: added, never changed by the application.
    await q.query(`grant select, insert on public.case_notes to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.case_notes`);
    await q.query(`drop index public.audit_log_subject`);
    await q.query(`drop trigger application_terms_keep on public.applications`);
    await q.query(`drop function public.application_terms_keep()`);
    await q.query(`drop table public.application_terms`);
    await q.query(`drop trigger application_counts_keep on public.applications`);
    await q.query(`drop function public.application_counts_keep()`);
    await q.query(`drop table public.application_counts`);
    await q.query(`drop index public.applications_inbox_office`);
    await q.query(`drop index public.applications_inbox_status`);
    await q.query(`drop index public.applications_inbox`);
    await q.query(`
      alter table public.applications drop column decided_at,
        drop column status_changed_at, drop column applicant_email, drop column applicant_name,
        drop column assignee_id, drop column office`);
    await q.query(`alter table public.applications drop constraint applications_status_check`);
    await q.query(`
      alter table public.applications add constraint applications_status_check check (status in ('draft',
        'submitted', 'payment_pending', 'paid', 'in_review', 'needs_info', 'approved', 'rejected', 'completed'))`);
  }
}
