import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditLog, TenantScope } from '@openrathaus/database';
import { TenantsRepository } from '@openrathaus/tenancy';
import type { LocalizedText } from '@openrathaus/i18n';
import type { ResolvedAdoption } from './adoption/adoption';
import type { PublishedVersion } from './catalog-check';
import { LinkService, linkServicesFor } from './data/catalog-data';
import { contentHash } from './definition/definition.loader';
import type { ProcessDefinition } from './definition/process-definition';
import { ProcessDefinitionsRepository } from './process-definitions.repository';
import { normalizeSearchText } from './search/search-text';
import { TenantServicesRepository } from './tenant-services.repository';

/** A tenant's service list as it should be, with the hash that tells whether it is already so. */
export interface ServicePlan {
  rows: ServiceRow[];
  state: string;
  adoptions: ResolvedAdoption[];
}

/** One row of a tenant's service list, before it is written. */
interface ServiceRow {
  key: string;
  type: 'online' | 'link';
  definitionId: string | null;
  range: string | null;
  parameters: object;
  title: string;
  /** Weighted texts for the search: A title, B keywords, C summary. */
  weighted: [string, string, string];
}

// In the order of the locales' codes: a definition read back from jsonb has its keys in another
// order than the YAML it came from, and the same texts must give the same words (and plan state).
const words = (texts: (LocalizedText | undefined)[]): string =>
  texts
    .flatMap((t): string[] =>
      t
        ? Object.entries(t as unknown as Record<string, string>)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([, text]) => text)
        : [],
    )
    .filter(Boolean)
    .join(' ');

/** Raised when the way search text is made changes, so that every tenant's rows are written anew. */
const SEARCH_TEXT_VERSION = 1;

/**
 * The catalogue's tables: published definition versions (insert only), the services each tenant
 * offers with their search text, and who uses which version.
 */
@Injectable()
export class CatalogStore {
  constructor(
    private readonly definitions: ProcessDefinitionsRepository,
    private readonly services: TenantServicesRepository,
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The published versions: the shared ones, and for each of `owners` (tenant ids) its private
   * ones too — read as the application role, whoever the connection's user is. With `refs`
   * (`owner/key`), only those definitions.
   */
  published(em: EntityManager, owners: string[], refs?: string[]): Promise<PublishedVersion[]> {
    return this.definitions.published(em, owners, refs);
  }

  /** The shared definitions as published now (read as the application role). */
  syncState(em: EntityManager): Promise<string> {
    return this.definitions.sharedState(em);
  }

  /** Publishes one version for its owner; returns its id. The row can never change afterwards. */
  async insertDefinition(
    scope: TenantScope,
    owner: string,
    definition: ProcessDefinition,
    by: string,
  ): Promise<string> {
    return this.definitions.insert(scope, owner, definition, by);
  }

  /**
   * The service list a tenant should have (its adoptions and the link services of its Land and the
   * Bund) and a hash of it, computed without the database: a sync compares the hash with the one
   * stored on the tenant and touches only the tenants whose list changed.
   */
  plan(tenant: { ags: string | null | undefined; kind: string }, adoptions: ResolvedAdoption[]): ServicePlan {
    // A region's portal sends citizens to its members; it links to no offerings of its own.
    const links = tenant.kind === 'region' ? [] : linkServicesFor(tenant.ags);
    const rows = [...adoptions.map(adoptionRow), ...links.map(linkRow)];
    const state = contentHash([
      SEARCH_TEXT_VERSION,
      rows.map((r) => [r.key, r.type, r.definitionId, r.range, r.parameters, r.weighted]),
    ]);
    return { rows, state, adoptions };
  }

  /**
   * Replaces the tenant's service list when it differs from what it wrote last. Returns whether it
   * changed.
   */
  async writeServices(
    scope: TenantScope,
    tenant: { ags: string | null | undefined; kind: string },
    adoptions: ResolvedAdoption[],
  ): Promise<boolean> {
    return this.write(scope, this.plan(tenant, adoptions));
  }

  /** Writes a planned list unless the tenant has it already (checked under a row lock). */
  async write(scope: TenantScope, plan: ServicePlan): Promise<boolean> {
    const { rows, state, adoptions } = plan;
    if ((await this.tenants.lockServicesState(scope)) === state) return false;
    await this.services.replace(
      scope,
      rows.map((r, position) => ({
        key: r.key,
        type: r.type,
        definition_id: r.definitionId,
        version_range: r.range,
        parameters: r.parameters,
        title: r.title,
        a: normalizeSearchText(r.weighted[0]),
        b: normalizeSearchText(r.weighted[1]),
        c: normalizeSearchText(r.weighted[2]),
        position,
      })),
      adoptions.map((a) => ({ id: a.chosen.id!, range: a.range })),
    );
    await this.tenants.setServicesState(scope, state);
    await this.audit.record(scope, {
      action: 'catalog.services_written',
      actor: 'system',
      subject: 'services',
      data: {
        state,
        services: adoptions.map((a) => `${a.ref}@${a.chosen.version}`),
        links: rows.length - adoptions.length,
      },
    });
    return true;
  }
}

function adoptionRow(a: ResolvedAdoption): ServiceRow {
  const d = a.chosen.definition;
  if (!a.chosen.id) throw new Error(`unreachable: ${a.ref}@${a.chosen.version} is not published`);
  return {
    key: d.key,
    type: 'online',
    definitionId: a.chosen.id,
    range: a.range,
    parameters: a.parameters,
    title: d.title.de,
    weighted: [words([d.title]), [...(d.keywords ?? []), d.key.replace(/-/g, ' ')].join(' '), words([d.summary])],
  };
}

function linkRow(s: LinkService): ServiceRow {
  return {
    key: s.key,
    type: 'link',
    definitionId: null,
    range: null,
    parameters: {},
    title: s.title.de,
    weighted: [words([s.title]), [...(s.keywords ?? []), s.key.replace(/-/g, ' ')].join(' '), words([s.summary])],
  };
}
