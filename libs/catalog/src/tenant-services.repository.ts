import { Injectable } from '@nestjs/common';
import { ConsoleScope, TenantScope } from '@openrathaus/database';
import type { ParameterValue } from './definition/process-definition';

/** A service-list row as it is written, its search texts already normalised. */
export interface TenantServiceInsert {
  key: string;
  type: 'online' | 'link';
  definition_id: string | null;
  version_range: string | null;
  parameters: object;
  title: string;
  /** Weighted texts for the search: A title, B keywords, C summary. */
  a: string;
  b: string;
  c: string;
  position: number;
}

/** A service-list row as the catalogue reads it. */
export interface TenantServiceRow {
  key: string;
  type: 'online' | 'link';
  definition_id: string | null;
  version_range: string | null;
  parameters: Record<string, ParameterValue>;
}

/**
 * The owner of `tenant_services` (the services each tenant offers, with their search text) and
 * `definition_usage` (who uses which published version); always in the caller's transaction.
 */
@Injectable()
export class TenantServicesRepository {
  /** Replaces the scope's tenant's service list and the versions it uses, each in one bulk statement. */
  async replace(
    scope: TenantScope,
    rows: TenantServiceInsert[],
    usage: { id: string; range: string }[],
  ): Promise<void> {
    await scope.query(`delete from public.tenant_services where tenant_id = $1`, [scope.tenantId]);
    await scope.query(`delete from public.definition_usage where tenant_id = $1`, [scope.tenantId]);
    if (rows.length) {
      await scope.query(
        `insert into public.tenant_services
           (tenant_id, key, type, definition_id, version_range, parameters, title, search, search_text, position)
         select $1, r.key, r.type, r.definition_id, r.version_range, r.parameters, r.title,
                setweight(to_tsvector('german', r.a), 'A') || setweight(to_tsvector('german', r.b), 'B') ||
                setweight(to_tsvector('german', r.c), 'C'),
                r.a || ' ' || r.b, r.position
           from jsonb_to_recordset($2::jsonb) as r(key text, type text, definition_id uuid, version_range text,
                parameters jsonb, title text, a text, b text, c text, position integer)`,
        [scope.tenantId, JSON.stringify(rows)],
      );
    }
    if (usage.length) {
      await scope.query(
        `insert into public.definition_usage (tenant_id, definition_id, version_range)
         select $1, u.id, u.range from jsonb_to_recordset($2::jsonb) as u(id uuid, range text)`,
        [scope.tenantId, JSON.stringify(usage)],
      );
    }
  }

  /** Every tenant's number of services online and by link: the operator console's read across tenants. */
  async countsByTenant(scope: ConsoleScope): Promise<Map<string, { online: number; link: number }>> {
    const rows = await scope.query<{ tenant_id: string; online: string; link: string }>(
      `select tenant_id, count(*) filter (where type = 'online') as online, count(*) filter (where type = 'link') as link
         from public.tenant_services group by tenant_id`,
    );
    return new Map(rows.map((r) => [r.tenant_id, { online: Number(r.online), link: Number(r.link) }]));
  }

  /** The scope's tenant's services in the order of its file. */
  list(scope: TenantScope): Promise<TenantServiceRow[]> {
    return scope.query(
      `select key, type, definition_id, version_range, parameters from public.tenant_services
        where tenant_id = $1 order by position`,
      [scope.tenantId],
    );
  }

  /** Keys of the services whose words match a German full-text query, best first, at most 50. */
  matching(scope: TenantScope, tsquery: string): Promise<{ key: string }[]> {
    return scope.query(
      `select key from public.tenant_services
        where tenant_id = $1 and search @@ to_tsquery('german', $2)
        order by ts_rank_cd(search, to_tsquery('german', $2)) desc, title
        limit 50`,
      [scope.tenantId, tsquery],
    );
  }

  /** Keys of the services whose text is like `text` by trigrams, most alike first, at most 50. */
  similar(scope: TenantScope, text: string): Promise<{ key: string }[]> {
    return scope.query(
      `select key from public.tenant_services
        where tenant_id = $1 and $2 <% search_text
        order by word_similarity($2, search_text) desc, title
        limit 50`,
      [scope.tenantId, text],
    );
  }
}
