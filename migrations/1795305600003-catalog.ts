import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

const CURRENT_TENANT = `nullif(current_setting('app.tenant_id', true), '')::uuid`;

/**
 * Process definitions (published versions, immutable), the services each tenant offers (with the
 * text search over them) and who uses which definition version. The application role may insert
 * definitions but never update or delete them: a published version stays as it was.
 */
export class Catalog1795305600003 implements MigrationInterface {
  name = 'Catalog1795305600003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create extension if not exists pg_trgm`);
    // A definition names its owner by id and slug; the pair must be a real tenant's.
    await q.query(`alter table public.tenants add constraint tenants_id_slug unique (id, slug)`);
    // The last service list written for the tenant, so that a sync writes only what changed.
    await q.query(`alter table public.tenants add column services_state text`);
    await q.query(`
      create table public.process_definitions (
        id uuid primary key default gen_random_uuid(),
        owner_tenant_id uuid not null references public.tenants(id),
        owner_slug text not null,
        key text not null,
        version text not null,
        major integer not null,
        minor integer not null,
        patch integer not null,
        visibility text not null check (visibility in ('shared', 'private')),
        document jsonb not null,
        hash text not null,
        published_by text not null,
        published_at timestamptz not null default now(),
        unique (owner_tenant_id, key, version),
        foreign key (owner_tenant_id, owner_slug) references public.tenants (id, slug)
      )`);
    await q.query(`create index process_definitions_ref on public.process_definitions (owner_slug, key)`);
    await q.query(`alter table public.process_definitions enable row level security`);
    await q.query(`alter table public.process_definitions force row level security`);
    // Shared versions are readable by every tenant; private ones by their owner only.
    await q.query(`
      create policy definitions_visible on public.process_definitions for select
        using (visibility = 'shared' or owner_tenant_id = ${CURRENT_TENANT})`);
    await q.query(`
      create policy definitions_publish on public.process_definitions for insert
        with check (owner_tenant_id = ${CURRENT_TENANT})`);
    await q.query(`grant select, insert on public.process_definitions to openrathaus_app`);

    await q.query(`
      create table public.tenant_services (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        key text not null,
        type text not null check (type in ('online', 'link')),
        definition_id uuid references public.process_definitions(id),
        version_range text,
        parameters jsonb not null default '{}',
        title text not null,
        search tsvector not null,
        search_text text not null,
        position integer not null,
        primary key (tenant_id, key)
      )`);
    await q.query(`create index tenant_services_search on public.tenant_services using gin (search)`);
    await q.query(`create index tenant_services_trgm on public.tenant_services using gin (search_text gin_trgm_ops)`);
    await enableTenantRls(q, 'tenant_services');
    await q.query(`grant select, insert, update, delete on public.tenant_services to openrathaus_app`);

    await q.query(`
      create table public.definition_usage (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        definition_id uuid not null references public.process_definitions(id),
        version_range text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, definition_id)
      )`);
    await q.query(`create index definition_usage_definition on public.definition_usage (definition_id)`);
    await q.query(`alter table public.definition_usage enable row level security`);
    await q.query(`alter table public.definition_usage force row level security`);
    // Who uses a definition is visible to everyone who may see the definition (shared: all; private: its owner).
    await q.query(`
      create policy usage_visible on public.definition_usage for select
        using (tenant_id = ${CURRENT_TENANT}
               or definition_id in (select id from public.process_definitions))`);
    await q.query(`
      create policy usage_own on public.definition_usage for all
        using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`);
    await q.query(`grant select, insert, update, delete on public.definition_usage to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.definition_usage`);
    await q.query(`drop table public.tenant_services`);
    await q.query(`drop table public.process_definitions`);
    await q.query(`alter table public.tenants drop column services_state`);
    await q.query(`alter table public.tenants drop constraint tenants_id_slug`);
  }
}
