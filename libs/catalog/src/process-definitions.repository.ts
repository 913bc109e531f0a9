import { Injectable } from '@nestjs/common';
import { parse as parseSemver } from 'semver';
import { EntityManager } from 'typeorm';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import type { LocalizedText } from '@openrathaus/i18n';
import type { PublishedVersion } from './catalog-check';
import { contentHash } from './definition/definition.loader';
import type { ProcessDefinition } from './definition/process-definition';

/** What a list of applications shows of the definition version each was made with. */
export interface DefinitionSummary {
  id: string;
  title: LocalizedText;
  /** The form's first page. */
  firstPage: string;
}

interface DefinitionRow {
  id: string;
  owner_slug: string;
  key: string;
  version: string;
  visibility: 'shared' | 'private';
  hash: string;
  document: ProcessDefinition;
}

const SELECT_DEFINITIONS = `select id, owner_slug, key, version, visibility, hash, document from public.process_definitions`;

const toPublished = (r: DefinitionRow): PublishedVersion => ({
  id: r.id,
  owner: r.owner_slug,
  key: r.key,
  version: r.version,
  visibility: r.visibility,
  hash: r.hash,
  definition: r.document,
});

/**
 * Published definition versions (`process_definitions`) as other libs read them: by id, in the
 * caller's transaction, as far as row-level security lets its tenant see them.
 */
@Injectable()
export class ProcessDefinitionsRepository {
  constructor(private readonly transactions: TenantTransactions) {}

  /** One version's document, undefined when the tenant may not see it. */
  async document(scope: TenantScope, id: string): Promise<ProcessDefinition | undefined> {
    const rows = await scope.query<{ document: ProcessDefinition }>(
      `select document from public.process_definitions where id = $1`,
      [id],
    );
    return rows[0]?.document;
  }

  /** The `retention` field of the versions given (as written, or null), in no particular order. */
  retentions(scope: TenantScope, ids: string[]): Promise<{ id: string; retention: unknown }[]> {
    if (!ids.length) return Promise.resolve([]);
    return scope.query<{ id: string; retention: unknown }>(
      `select id, document->'retention' as retention from public.process_definitions where id = any($1::uuid[])`,
      [ids],
    );
  }

  /** Title and first page of the versions given, in no particular order. */
  summaries(scope: TenantScope, ids: string[]): Promise<DefinitionSummary[]> {
    if (!ids.length) return Promise.resolve([]);
    return scope.query<DefinitionSummary>(
      `select id, document->'title' as title, document#>>'{form,pages,0,id}' as "firstPage"
         from public.process_definitions where id = any($1::uuid[])`,
      [ids],
    );
  }

  /** How many shared versions are published, and the last publication: part of a sync's fingerprint. */
  async sharedState(em: EntityManager): Promise<string> {
    await this.transactions.withoutTenant(em);
    const rows = (await em.query<unknown>(
      `select count(*)::text as n, coalesce(max(published_at)::text, '') as last
         from public.process_definitions where visibility = 'shared'`,
    )) as { n: string; last: string }[];
    return `definitions ${rows[0].n} ${rows[0].last}`;
  }

  /**
   * The published versions: the shared ones, and for each of `owners` (tenant ids) its private
   * ones too, read as the application role whoever the connection's user is. With `refs`
   * (`owner/key`), only those definitions.
   */
  async published(em: EntityManager, owners: string[], refs?: string[]): Promise<PublishedVersion[]> {
    const byId = new Map<string, PublishedVersion>();
    const only = (n: number) => (refs ? ` and owner_slug || '/' || key = any($${n}::text[])` : '');
    await this.transactions.withoutTenant(em);
    const shared = (await em.query<unknown>(
      `${SELECT_DEFINITIONS} where visibility = 'shared'${only(1)}`,
      refs ? [refs] : [],
    )) as DefinitionRow[];
    for (const row of shared) byId.set(row.id, toPublished(row));
    for (const owner of owners) {
      const scope = await this.transactions.within(em, owner);
      const rows = await scope.query<DefinitionRow>(
        `${SELECT_DEFINITIONS} where owner_tenant_id = $1${only(2)}`,
        refs ? [owner, refs] : [owner],
      );
      for (const row of rows) byId.set(row.id, toPublished(row));
    }
    return [...byId.values()];
  }

  /** Publishes one version for the scope's tenant; returns its id. The row can never change afterwards. */
  async insert(scope: TenantScope, owner: string, definition: ProcessDefinition, by: string): Promise<string> {
    const v = parseSemver(definition.version);
    if (!v) throw new Error(`unreachable: version ${definition.version} was validated`);
    const rows = await scope.query<{ id: string }>(
      `insert into public.process_definitions
         (owner_tenant_id, owner_slug, key, version, major, minor, patch, visibility, document, hash, published_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
      [
        scope.tenantId,
        owner,
        definition.key,
        definition.version,
        v.major,
        v.minor,
        v.patch,
        definition.visibility,
        JSON.stringify(definition),
        contentHash(definition),
        by,
      ],
    );
    return rows[0].id;
  }

  /** Owner and document of the versions given, in no particular order. */
  documents(
    scope: TenantScope,
    ids: string[],
  ): Promise<{ id: string; owner_slug: string; document: ProcessDefinition }[]> {
    return scope.query(`select id, owner_slug, document from public.process_definitions where id = any($1::uuid[])`, [
      ids,
    ]);
  }

  /** The versions of `owner/key` the scope's tenant may see, oldest first. */
  versions(
    scope: TenantScope,
    owner: string,
    key: string,
  ): Promise<{ version: string; visibility: string; publishedAt: string }[]> {
    return scope.query(
      `select version, visibility, published_at as "publishedAt" from public.process_definitions
        where owner_slug = $1 and key = $2 order by major, minor, patch`,
      [owner, key],
    );
  }

  /** Whether the scope's tenant sees any version of `owner/key`. */
  async visible(scope: TenantScope, owner: string, key: string): Promise<boolean> {
    const rows = await scope.query(
      `select 1 from public.process_definitions where owner_slug = $1 and key = $2 limit 1`,
      [owner, key],
    );
    return rows.length > 0;
  }

  /** Which tenant uses which version of `owner/key` with which range, newest version first. */
  usage(
    scope: TenantScope,
    owner: string,
    key: string,
  ): Promise<{ tenantId: string; version: string; range: string }[]> {
    return scope.query(
      `select u.tenant_id as "tenantId", d.version, u.version_range as range
         from public.definition_usage u
         join public.process_definitions d on d.id = u.definition_id
        where d.owner_slug = $1 and d.key = $2
        order by d.major desc, d.minor desc, d.patch desc`,
      [owner, key],
    );
  }

  /** One version's document by `owner/key@version`, undefined when the tenant may not see it. */
  async documentOf(
    scope: TenantScope,
    owner: string,
    key: string,
    version: string,
  ): Promise<ProcessDefinition | undefined> {
    const rows = await scope.query<{ document: ProcessDefinition }>(
      `select document from public.process_definitions where owner_slug = $1 and key = $2 and version = $3`,
      [owner, key, version],
    );
    return rows[0]?.document;
  }
}
