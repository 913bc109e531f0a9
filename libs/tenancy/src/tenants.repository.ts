import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConsoleScope, TenantScope } from '@openrathaus/database';
import type { Tenant, TenantSource } from './tenant';
import type { TenantFile } from './tenant-file';

/** A tenant as the registry row has it: slug, name and the configuration of its file. */
export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  config: TenantFile;
}

/** A tenant's row with its domains, as the registry loads it. */
export interface TenantRecord {
  id: string;
  slug: string;
  kind: Tenant['kind'];
  name: string;
  ags: string | null;
  status: Tenant['status'];
  region_slug: string | null;
  config: TenantFile;
  config_error: string | null;
  revision: number;
  domains: string[];
  source: TenantSource;
  suspended_at: Date | string | null;
  suspension_message: string | null;
}

/** What the sync compares a tenant's file with. */
export interface TenantSyncState {
  id: string;
  slug: string;
  config_hash: string;
  config_error: string | null;
  source: TenantSource;
}

/** A sound tenant file's columns, as the sync writes them. */
export interface TenantColumns {
  kind: string;
  name: string;
  ags: string | null;
  status: string;
  regionSlug: string | null;
  config: TenantFile;
  hash: string;
}

const RECORD = `
  select t.id, t.slug, t.kind, t.name, t.ags, t.status, t.region_slug, t.config, t.config_error, t.revision,
         t.source, t.suspended_at, t.suspension_message,
         coalesce(array_agg(d.domain order by d.domain) filter (where d.domain is not null), '{}') as domains
    from public.tenants t left join public.tenant_domains d on d.tenant_id = t.id`;

/**
 * The owner of `tenants` and `tenant_domains` for other libs. The registry has no row-level
 * security (it is read before any tenant is known), so reads across tenants take the sync's or
 * the job's `EntityManager`; what concerns the scope's own tenant takes the `TenantScope`.
 */
@Injectable()
export class TenantsRepository {
  /** Every tenant's id by its slug. */
  async idsBySlug(em: EntityManager): Promise<Map<string, string>> {
    const rows = (await em.query<unknown>(`select id, slug from public.tenants`)) as { id: string; slug: string }[];
    return new Map(rows.map((r) => [r.slug, r.id]));
  }

  /** A tenant whose file is sound (not stopped by a broken configuration), if there is one. */
  async sound(em: EntityManager, id: string): Promise<TenantRow | undefined> {
    const rows = (await em.query<unknown>(
      `select id, slug, name, config from public.tenants where id = $1 and config_error is null`,
      [id],
    )) as TenantRow[];
    return rows[0];
  }

  /** The tenants with a sound file whose services adopt the definition `ref` (`owner/key`). */
  async adopters(em: EntityManager, ref: string): Promise<{ id: string; slug: string }[]> {
    return (await em.query<unknown>(
      `select id, slug from public.tenants where config_error is null and config->'services' @> $1::jsonb`,
      [JSON.stringify([{ definition: ref }])],
    )) as { id: string; slug: string }[];
  }

  /** Raises a tenant's revision: every instance reloads it and drops its cached pages. */
  async raiseRevision(em: EntityManager, id: string): Promise<void> {
    await em.query(`update public.tenants set revision = revision + 1, updated_at = now() where id = $1`, [id]);
  }

  /** The hash of the service list each tenant was written with last, by tenant id. */
  async servicesStates(em: EntityManager): Promise<Map<string, string | null>> {
    const rows = (await em.query<unknown>(`select id, services_state from public.tenants`)) as {
      id: string;
      services_state: string | null;
    }[];
    return new Map(rows.map((r) => [r.id, r.services_state]));
  }

  /**
   * The scope's tenant's service-list hash, its row locked until the transaction ends, so that two
   * writers of the list take turns.
   */
  async lockServicesState(scope: TenantScope): Promise<string | null | undefined> {
    const rows = await scope.query<{ services_state: string | null }>(
      `select services_state from public.tenants where id = $1 for update`,
      [scope.tenantId],
    );
    return rows[0]?.services_state;
  }

  async setServicesState(scope: TenantScope, state: string): Promise<void> {
    await scope.query(`update public.tenants set services_state = $2 where id = $1`, [scope.tenantId, state]);
  }

  /** The scope's own tenant. */
  async own(scope: TenantScope): Promise<Omit<TenantRow, 'id'> | undefined> {
    const rows = await scope.query<Omit<TenantRow, 'id'>>(
      `select slug, name, config from public.tenants where id = $1`,
      [scope.tenantId],
    );
    return rows[0];
  }

  /** Slug and name of the tenants given, in no particular order. */
  names(scope: TenantScope, ids: string[]): Promise<{ id: string; slug: string; name: string }[]> {
    return scope.query(`select id, slug, name from public.tenants where id = any($1::uuid[])`, [ids]);
  }

  /** Every tenant with its domains. */
  records(em: EntityManager): Promise<TenantRecord[]> {
    return em.query(`${RECORD} group by t.id`);
  }

  /** One tenant with its domains, undefined when it is gone. */
  async record(em: EntityManager, id: string): Promise<TenantRecord | undefined> {
    const rows: TenantRecord[] = await em.query(`${RECORD} where t.id = $1 group by t.id`, [id]);
    return rows[0];
  }

  /** What the refresh job records of a tenant's change, undefined when it is gone. */
  async revision(
    em: EntityManager,
    id: string,
  ): Promise<{ slug: string; revision: number; config_hash: string; config_error: string | null } | undefined> {
    const rows = (await em.query<unknown>(
      `select slug, revision, config_hash, config_error from public.tenants where id = $1`,
      [id],
    )) as { slug: string; revision: number; config_hash: string; config_error: string | null }[];
    return rows[0];
  }

  /** What the tenants look like now, as far as a sync is concerned: count, revisions, last change. */
  async syncState(em: EntityManager): Promise<string> {
    const rows = (await em.query<unknown>(
      `select count(*)::text as n, coalesce(sum(revision), 0)::text as revisions,
              coalesce(max(updated_at)::text, '') as updated,
              count(*) filter (where config_error is not null)::text as stopped
         from public.tenants`,
    )) as { n: string; revisions: string; updated: string; stopped: string }[];
    const r = rows[0];
    return `tenants ${r.n} ${r.revisions} ${r.updated} ${r.stopped}`;
  }

  /** The fingerprint the last sync of `dir` left, if any. */
  async syncFingerprint(em: EntityManager, dir: string): Promise<{ fingerprint: string; syncedAt: Date } | undefined> {
    const rows = (await em.query<unknown>(
      `select fingerprint, synced_at from public.tenant_sync_fingerprints where dir = $1`,
      [dir],
    )) as { fingerprint: string; synced_at: Date }[];
    return rows[0] && { fingerprint: rows[0].fingerprint, syncedAt: new Date(rows[0].synced_at) };
  }

  async saveSyncFingerprint(em: EntityManager, dir: string, fingerprint: string): Promise<void> {
    await em.query(
      `insert into public.tenant_sync_fingerprints (dir, fingerprint) values ($1, $2)
       on conflict (dir) do update set fingerprint = excluded.fingerprint, synced_at = now()`,
      [dir, fingerprint],
    );
  }

  /** Every tenant's file state, by slug. */
  async syncStates(em: EntityManager): Promise<Map<string, TenantSyncState>> {
    const rows = (await em.query<unknown>(
      `select id, slug, config_hash, config_error, source from public.tenants`,
    )) as TenantSyncState[];
    return new Map(rows.map((r) => [r.slug, r]));
  }

  /** Every domain with the slug of the tenant that has it. */
  async domainOwners(em: EntityManager): Promise<Map<string, string>> {
    const rows = (await em.query<unknown>(
      `select d.domain, t.slug from public.tenant_domains d join public.tenants t on t.id = d.tenant_id`,
    )) as { domain: string; slug: string }[];
    return new Map(rows.map((r) => [r.domain, r.slug]));
  }

  /** Writes a sound file over a tenant (clearing a stop) and replaces its domains. */
  async update(em: EntityManager, id: string, columns: TenantColumns, domains: string[]): Promise<void> {
    await em.query(
      `update public.tenants set kind = $2, name = $3, ags = $4, status = $5, region_slug = $6, config = $7,
              config_hash = $8, config_error = null, revision = revision + 1, updated_at = now() where id = $1`,
      [id, ...columnValues(columns)],
    );
    await em.query(`delete from public.tenant_domains where tenant_id = $1`, [id]);
    await this.addDomains(em, id, domains);
  }

  /** Creates a tenant from a sound file; returns its id. */
  async create(em: EntityManager, slug: string, columns: TenantColumns, domains: string[]): Promise<string> {
    const inserted = (await em.query<unknown>(
      `insert into public.tenants (slug, kind, name, ags, status, region_slug, config, config_hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [slug, ...columnValues(columns)],
    )) as { id: string }[];
    await this.addDomains(em, inserted[0].id, domains);
    return inserted[0].id;
  }

  /** Stops a tenant whose file is broken, keeping its last sound configuration and domains. */
  async stop(em: EntityManager, id: string, error: string): Promise<void> {
    await em.query(
      `update public.tenants set config_error = $2, revision = revision + 1, updated_at = now() where id = $1`,
      [id, error],
    );
  }

  /** Creates a tenant whose first file is broken, stopped; returns its id. */
  async createStopped(em: EntityManager, slug: string, error: string): Promise<string> {
    const inserted = (await em.query<unknown>(
      `insert into public.tenants (slug, kind, name, status, config_error) values ($1, 'municipality', $1, 'pilot', $2)
       returning id`,
      [slug, error],
    )) as { id: string }[];
    return inserted[0].id;
  }

  /**
   * Creates a tenant from the console, whose database row is its configuration from then on
   * (`source = 'console'`: the sync leaves it alone); returns its id.
   */
  async createFromConsole(
    scope: ConsoleScope,
    slug: string,
    columns: TenantColumns,
    domains: string[],
  ): Promise<string> {
    const inserted = await scope.query<{ id: string }>(
      `insert into public.tenants (slug, kind, name, ags, status, region_slug, config, config_hash, source)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'console') returning id`,
      [slug, ...columnValues(columns)],
    );
    await this.addDomains(scope.manager, inserted[0].id, domains);
    return inserted[0].id;
  }

  /**
   * Suspends a tenant with a message for its citizens, or resumes it (`message` null), and raises
   * its revision; answers false when there is no such tenant.
   */
  async setSuspension(scope: ConsoleScope, id: string, message: string | null): Promise<boolean> {
    const rows = await scope.query<{ id: string }>(
      `with changed as (
         update public.tenants
            set suspended_at = case when $2::text is null then null else coalesce(suspended_at, now()) end,
                suspension_message = $2, revision = revision + 1, updated_at = now()
          where id = $1 returning id)
       select id from changed`,
      [id, message],
    );
    return rows.length > 0;
  }

  /** Every tenant with its domains and when its row was written last, as the console lists them. */
  consoleRecords(scope: ConsoleScope): Promise<(TenantRecord & { updated_at: Date })[]> {
    return scope.query(`${RECORD.replace('t.source,', 't.source, t.updated_at,')} group by t.id order by t.slug`);
  }

  private async addDomains(em: EntityManager, id: string, domains: string[]): Promise<void> {
    for (const domain of domains) {
      await em.query(`insert into public.tenant_domains (domain, tenant_id) values ($1, $2)`, [domain, id]);
    }
  }
}

const columnValues = (c: TenantColumns): unknown[] => [
  c.kind,
  c.name,
  c.ags,
  c.status,
  c.regionSlug,
  JSON.stringify(c.config),
  c.hash,
];
