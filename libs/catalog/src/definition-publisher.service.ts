import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantTransactions, takeWriteLock } from '@openrathaus/database';
import { JobQueues } from '@openrathaus/jobs';
import { TenantsRepository } from '@openrathaus/tenancy';
import { parameterBreaks, previousOfMajor } from './adoption/compatibility';
import { CATALOG_QUEUE, CATALOG_RESOLVE_JOB } from './catalog-resolve.handler';
import { CatalogError, CatalogErrorCode } from './catalog.error';
import { CatalogStore } from './catalog-store.service';
import { definitionContext } from './data/catalog-data';
import { DefinitionChange, diffDefinitions } from './definition/definition-diff';
import { definitionFaultMessage } from './definition/definition-fault';
import { contentHash, parseDefinition } from './definition/definition.loader';
import type { ProcessDefinition } from './definition/process-definition';
import { ProcessDefinitionsRepository } from './process-definitions.repository';
import { StepKinds } from './step-kinds.service';

export interface PublishResult {
  ref: string;
  version: string;
  /** false when exactly this content was published before (publishing again changes nothing). */
  published: boolean;
  /** Tenants that adopt the definition: each is brought up to date by a job of its own. */
  adopters: string[];
}

export interface UsageRow {
  tenant: string;
  name: string;
  version: string;
  range: string;
}

/** `owner/key@1.2.0` into its parts; the version may be left out. */
export function parseRef(text: string): { owner: string; key: string; version?: string } {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)(?:@(\d+\.\d+\.\d+))?$/.exec(text.trim());
  if (!match)
    throw new CatalogError(CatalogErrorCode.UnknownDefinition, { ref: text }, [{ field: 'ref', key: 'unknown' }]);
  return { owner: match[1], key: match[2], version: match[3] };
}

/**
 * Publishing outside the tenants folder (command line, tenant-admin API), usage and differences.
 * Every read runs as a tenant, so row-level security decides what may be seen: shared versions
 * and one's own private ones.
 */
@Injectable()
export class DefinitionPublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly store: CatalogStore,
    private readonly jobs: JobQueues,
    private readonly stepKinds: StepKinds,
    private readonly tenants: TenantsRepository,
    private readonly definitions: ProcessDefinitionsRepository,
  ) {}

  /**
   * Validates and publishes one version for `owner` (a tenant id and slug). A version already
   * published with other content, or a minor its adopters could not follow, is refused; adopters
   * whose range now picks it are moved to it by jobs.
   */
  async publish(
    owner: { id: string; slug: string },
    source: string,
    where: { file: string; key?: string },
    by: string,
  ): Promise<PublishResult> {
    const loaded = parseDefinition(
      source,
      { file: where.file, owner: owner.slug, key: where.key },
      definitionContext(undefined, this.stepKinds.table()),
    );
    if (!loaded.definition) {
      throw new CatalogError(
        CatalogErrorCode.InvalidDefinition,
        { file: where.file },
        loaded.faults.map((f) => ({
          field: f.path || '(file)',
          key: 'fault',
          params: { en: definitionFaultMessage(f, 'en'), de: definitionFaultMessage(f, 'de') },
        })),
      );
    }
    const definition = loaded.definition;
    const ref = `${owner.slug}/${definition.key}`;
    const result = await this.dataSource.transaction(async (em) => {
      await takeWriteLock(em, 'tenants');
      const own = (await this.store.published(em, [owner.id], [ref])).filter((v) => v.owner === owner.slug);
      const existing = own.find((v) => v.version === definition.version);
      if (existing) {
        if (existing.hash === contentHash(definition))
          return { ref, version: definition.version, published: false, adopters: [] };
        throw new CatalogError(CatalogErrorCode.AlreadyPublished, { ref, version: definition.version }, [
          { field: 'version', key: 'fault', params: alreadyPublished(definition.version) },
        ]);
      }
      const previous = previousOfMajor(own, definition.version);
      const breaks = previous ? parameterBreaks(previous.definition, definition) : { en: [], de: [] };
      if (breaks.en.length) {
        const fault = {
          file: where.file,
          path: 'parameters',
          key: 'incompatible' as const,
          params: { previous: previous?.version ?? '', detailEn: breaks.en.join('; '), detailDe: breaks.de.join('; ') },
        };
        throw new CatalogError(CatalogErrorCode.InvalidDefinition, { file: where.file }, [
          {
            field: 'parameters',
            key: 'fault',
            params: { en: definitionFaultMessage(fault, 'en'), de: definitionFaultMessage(fault, 'de') },
          },
        ]);
      }
      const scope = await this.transactions.within(em, owner.id);
      await this.store.insertDefinition(scope, owner.slug, definition, by);
      const adopters = await this.tenants.adopters(em, ref);
      return { ref, version: definition.version, published: true, adopters };
    });
    // After the commit, one job per adopter: each moves to the new version if its range takes it.
    // A definition adopted by thousands of tenants must not hold a request (or a lock) that long.
    for (const tenant of result.adopters) {
      await this.jobs.enqueue(CATALOG_QUEUE, CATALOG_RESOLVE_JOB, { tenantId: tenant.id });
    }
    return { ...result, adopters: result.adopters.map((a) => a.slug) };
  }

  /** The published versions of `owner/key` the acting tenant may see, oldest first. */
  async versions(
    actingTenantId: string,
    owner: string,
    key: string,
  ): Promise<{ version: string; visibility: string; publishedAt: string }[]> {
    return this.transactions.run(actingTenantId, (scope) => this.definitions.versions(scope, owner, key));
  }

  /** Which tenants use which version of `owner/key`, as far as the acting tenant may see. */
  async usage(actingTenantId: string, ref: string): Promise<UsageRow[]> {
    const { owner, key } = parseRef(ref);
    return this.transactions.run(actingTenantId, async (scope) => {
      if (!(await this.definitions.visible(scope, owner, key)))
        throw new CatalogError(CatalogErrorCode.UnknownDefinition, { ref });
      const used = await this.definitions.usage(scope, owner, key);
      const names = new Map(
        (await this.tenants.names(scope, [...new Set(used.map((u) => u.tenantId))])).map((t) => [t.id, t]),
      );
      // The query ordered the versions, newest first; within one, tenants by slug (ASCII: code-point
      // order, as the database's).
      const rank = new Map<string, number>();
      for (const u of used) if (!rank.has(u.version)) rank.set(u.version, rank.size);
      return used
        .map(({ tenantId, version, range }) => {
          const tenant = names.get(tenantId)!;
          return { tenant: tenant.slug, name: tenant.name, version, range };
        })
        .sort((a, b) => rank.get(a.version)! - rank.get(b.version)! || (a.tenant < b.tenant ? -1 : 1));
    });
  }

  /** One published version, as far as the acting tenant may see it. */
  async load(actingTenantId: string, ref: string): Promise<ProcessDefinition> {
    const { owner, key, version } = parseRef(ref);
    if (!version)
      throw new CatalogError(CatalogErrorCode.UnknownVersion, { ref }, [{ field: 'version', key: 'required' }]);
    const document = await this.transactions.run(actingTenantId, (scope) =>
      this.definitions.documentOf(scope, owner, key, version),
    );
    if (!document) throw new CatalogError(CatalogErrorCode.UnknownVersion, { ref });
    return document;
  }

  async diff(actingTenantId: string, from: string, to: string): Promise<DefinitionChange[]> {
    return diffDefinitions(await this.load(actingTenantId, from), await this.load(actingTenantId, to));
  }
}

const alreadyPublished = (version: string) => ({
  en: `version ${version} is already published with other content; publish a new version`,
  de: `Version ${version} ist schon mit anderem Inhalt veröffentlicht; bitte eine neue Version veröffentlichen`,
});
