import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantScope } from '@openrathaus/database';
import type { TenantFile } from './tenant-file';

/** A tenant as the registry row has it: slug, name and the configuration of its file. */
export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  config: TenantFile;
}

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
}
