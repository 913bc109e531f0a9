import { MigrationInterface, QueryRunner } from 'typeorm';

/** The search terms' trigger function; `anonymised` adds the rule that an anonymised application has none. */
const termsKeep = (anonymised: boolean): string => `
  create or replace function public.application_terms_keep() returns trigger
    language plpgsql security definer set search_path = public as $$
  begin
    if tg_op = 'UPDATE' then
      delete from public.application_terms where tenant_id = new.tenant_id and application_id = new.id;
    end if;
    ${anonymised ? 'if new.anonymised_at is not null then return null; end if;' : ''}
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
  end $$`;

/**
 * Retention: applications are deleted or anonymised a set time after their final status (the
 * definition's `retention`). An anonymised application is marked, is found by no search term and
 * is looked for by the sweep through an index of the closed ones per definition. An issued
 * document outlives its application: its row loses the link and the PDF and keeps a second
 * signature over what stays, so that `/verify` still answers. The application role may now delete
 * what retention removes (applications, mailbox messages, workflow effects, notes) and blank the
 * text of notes.
 */
export class Retention1795305600017 implements MigrationInterface {
  name = 'Retention1795305600017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table public.applications add column anonymised_at timestamptz`);
    await q.query(`
      create index applications_retention on public.applications (tenant_id, definition_id, status_changed_at)
        where status in ('completed', 'rejected', 'withdrawn') and anonymised_at is null`);
    await q.query(termsKeep(true));
    await q.query(`
      alter table public.documents
        alter column application_id drop not null,
        alter column storage_key drop not null,
        drop constraint documents_application_id_fkey,
        add constraint documents_application_id_fkey foreign key (application_id)
          references public.applications(id) on delete set null,
        add column forgotten_at timestamptz,
        add column forgotten_key_id uuid references public.signing_keys(id),
        add column forgotten_signature text,
        add constraint documents_forgotten check ((forgotten_at is null) = (forgotten_signature is null))`);
    await q.query(`grant delete on public.applications to openrathaus_app`);
    await q.query(`grant delete on public.mailbox_messages to openrathaus_app`);
    await q.query(`grant delete on public.workflow_effects to openrathaus_app`);
    await q.query(`grant update (body), delete on public.case_notes to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`revoke update (body), delete on public.case_notes from openrathaus_app`);
    await q.query(`revoke delete on public.workflow_effects from openrathaus_app`);
    await q.query(`revoke delete on public.mailbox_messages from openrathaus_app`);
    await q.query(`revoke delete on public.applications from openrathaus_app`);
    // Documents whose application is gone cannot go back under the old constraints.
    await q.query(`delete from public.documents where application_id is null or storage_key is null`);
    await q.query(`
      alter table public.documents
        drop constraint documents_forgotten,
        drop column forgotten_signature,
        drop column forgotten_key_id,
        drop column forgotten_at,
        drop constraint documents_application_id_fkey,
        add constraint documents_application_id_fkey foreign key (application_id)
          references public.applications(id) on delete cascade,
        alter column storage_key set not null,
        alter column application_id set not null`);
    await q.query(termsKeep(false));
    await q.query(`drop index public.applications_retention`);
    await q.query(`alter table public.applications drop column anonymised_at`);
  }
}
