import { Injectable } from '@nestjs/common';
import { ConsoleScope, TenantTransactions } from '@openrathaus/database';
import { Rules } from '@openrathaus/forms';
import type { LocalizedText } from '@openrathaus/i18n';
import { Office, Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { catalogData } from './data/catalog-data';
import { contentHash } from './definition/definition.loader';
import { CatalogError, CatalogErrorCode } from './catalog.error';
import { FeeSummary, previewFee } from './fees';
import type { LegalBasis, ParameterValue, ProcessDefinition, TrustLevel } from './definition/process-definition';
import { normalizeSearchText, prefixQuery, searchWords } from './search/search-text';
import { TextTemplates } from './texts/text-templates';
import { ProcessDefinitionsRepository } from './process-definitions.repository';
import { TenantServiceRow, TenantServicesRepository } from './tenant-services.repository';

/** A service of a tenant: an adopted definition version with the tenant's parameters, or a link. */
export interface CatalogEntry {
  key: string;
  type: 'online' | 'link';
  title: LocalizedText;
  summary: LocalizedText;
  lebenslagen: string[];
  keywords: string[];
  /** online: the exact version this tenant serves, and who develops it. */
  definition?: { id: string; owner: string; ownerName: string; key: string; version: string; range: string };
  document?: ProcessDefinition;
  parameters: Record<string, ParameterValue>;
  fee?: FeeSummary;
  office?: Office;
  trustLevel?: TrustLevel;
  requiredDocuments: LocalizedText[];
  processingTime?: LocalizedText;
  legalBasis: LegalBasis[];
  /** link: the offering of Land or Bund. */
  url?: string;
  provider?: 'bund' | 'land';
  /** link of a Land: its two-digit AGS prefix. */
  land?: string;
}

/** How many tenants' service lists are kept; beyond, the least recently used is read again when needed. */
const MAX_TENANTS = 20_000;
const MAX_PREVIEWS = 50_000;
const MAX_SEARCHES = 20_000;

interface DefinitionRecord {
  id: string;
  owner: string;
  document: ProcessDefinition;
}

interface TenantServices {
  revision: number;
  list: CatalogEntry[];
  byKey: Map<string, CatalogEntry>;
  /**
   * What a search of this tenant depends on: its services' keys and definition versions (a row's
   * search text comes from the version or the link service, never from the tenant). Tenants with
   * the same services share their search results.
   */
  searchSet: string;
}

/**
 * The services each tenant offers, resolved once per tenant revision and kept in memory: the
 * definition version its range picked (shared between tenants, never copied), its parameters, the
 * fee they give and the responsible office. A change of the tenant (a new revision) rebuilds them.
 */
@Injectable()
export class CatalogService {
  /** Least recently used first: the oldest entries go when there are too many (see MAX_TENANTS). */
  private readonly byTenant = new Map<string, TenantServices>();
  /** Link services are the same objects for every tenant that shows them. */
  private readonly linkEntries = new Map<string, CatalogEntry>();
  /**
   * Search results (service keys) by service set (see {@link TenantServices.searchSet}) and
   * normalised words, least recently used first: thousands of tenants that offer the same services
   * share one answer, and only the first of them asks PostgreSQL.
   */
  private readonly searches = new Map<string, string[]>();
  private readonly searching = new Map<string, Promise<string[]>>();
  /** Fee previews by definition version and parameter values: many tenants set the same ones. */
  private readonly previews = new Map<string, FeeSummary>();
  private readonly loading = new Map<string, Promise<TenantServices>>();
  private readonly definitions = new Map<string, DefinitionRecord>();
  readonly texts = new TextTemplates();

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly registry: TenantRegistry,
    private readonly rules: Rules,
    private readonly services: TenantServicesRepository,
    private readonly definitionRows: ProcessDefinitionsRepository,
  ) {}

  /** Every tenant's number of services online and by link, in the operator console's transaction. */
  serviceCounts(scope: ConsoleScope): Promise<Map<string, { online: number; link: number }>> {
    return this.services.countsByTenant(scope);
  }

  /** The tenant's services in the order of its file (adoptions first, then links). */
  async list(tenant: Tenant): Promise<CatalogEntry[]> {
    return (await this.load(tenant)).list;
  }

  async get(tenant: Tenant, key: string): Promise<CatalogEntry> {
    const entry = (await this.load(tenant)).byKey.get(key);
    if (!entry) throw new CatalogError(CatalogErrorCode.UnknownService, { key });
    return entry;
  }

  /** Services of a Lebenslage, Unternehmenslage or a whole Themenfeld. */
  async byLage(tenant: Tenant, id: string): Promise<CatalogEntry[]> {
    const data = catalogData();
    const lagen = data.themenfelder.some((t) => t.id === id)
      ? new Set(data.lagen.filter((l) => l.themenfelder.includes(id)).map((l) => l.id))
      : data.lagenIds.has(id)
        ? new Set([id])
        : undefined;
    if (!lagen)
      throw new CatalogError(CatalogErrorCode.UnknownLage, { value: id }, [{ field: 'lebenslage', key: 'unknown' }]);
    return (await this.list(tenant)).filter((s) => s.lebenslagen.some((l) => lagen.has(l)));
  }

  /**
   * German full-text search over the tenant's services, ranked: word stems and prefixes
   * ("Hunde" finds "Hundesteuer"), umlauts either way; when that finds nothing, parts of compounds
   * and typing errors by trigram similarity ("Parkausweis" finds "Bewohnerparkausweis").
   */
  async search(tenant: Tenant, query: string): Promise<CatalogEntry[]> {
    const q = searchWords(query);
    if (!q) return this.list(tenant);
    const tsquery = prefixQuery(q);
    const normalized = normalizeSearchText(q);
    const services = await this.load(tenant);
    // The same words find the same services in the same set until it changes: asked again, no query.
    const cacheKey = `${services.searchSet}\u0000${normalized}`;
    let keys = this.searches.get(cacheKey);
    if (keys) {
      this.searches.delete(cacheKey);
      this.searches.set(cacheKey, keys);
    } else {
      let pending = this.searching.get(cacheKey);
      if (!pending) {
        pending = this.query(tenant, tsquery, normalized).finally(() => this.searching.delete(cacheKey));
        this.searching.set(cacheKey, pending);
      }
      keys = await pending;
      this.searches.set(cacheKey, keys);
      if (this.searches.size > MAX_SEARCHES) this.searches.delete(this.searches.keys().next().value as string);
    }
    // The tenant's own entries: the same keys, its parameters, fees and offices.
    return keys.map((key) => services.byKey.get(key)).filter((s): s is CatalogEntry => s !== undefined);
  }

  /** The keys a search finds among the tenant's rows, best first. */
  private async query(tenant: Tenant, tsquery: string | null, normalized: string): Promise<string[]> {
    const rows = await this.transactions.run(tenant.id, async (scope) => {
      // Whole words and their beginnings first: cheap, and what people mostly type.
      const words = tsquery ? await this.services.matching(scope, tsquery) : [];
      if (words.length) return words;
      // Nothing found: parts of compounds and typing errors, by trigram similarity (dearer).
      return this.services.similar(scope, normalized);
    });
    return rows.map((r) => r.key);
  }

  /** A service's description with the tenant's parameters filled in. */
  describe(tenant: Tenant, entry: CatalogEntry, locale: string): string {
    const text = entry.document?.description;
    if (!text) return '';
    try {
      return this.texts.render(text, locale, { params: this.paramsView(entry), tenant: { name: tenant.name } });
    } catch {
      // Definitions are checked before they are published; a text that still fails leaves the page without it.
      return '';
    }
  }

  /** Parameters as texts see them: offices as objects. */
  paramsView(entry: CatalogEntry): Record<string, unknown> {
    const view: Record<string, unknown> = { ...entry.parameters };
    for (const [name, p] of Object.entries(entry.document?.parameters ?? {})) {
      if (p.type === 'office' && entry.office) view[name] = entry.office;
    }
    return view;
  }

  /** Drops what is kept for a tenant (it changed, or it is gone). */
  forget(tenantId: string): void {
    this.byTenant.delete(tenantId);
  }

  private load(tenant: Tenant): Promise<TenantServices> {
    const cached = this.byTenant.get(tenant.id);
    if (cached && cached.revision === tenant.revision) {
      // Moved to the end: the map's order is the order of last use.
      this.byTenant.delete(tenant.id);
      this.byTenant.set(tenant.id, cached);
      return Promise.resolve(cached);
    }
    const key = `${tenant.id}@${tenant.revision}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.build(tenant).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async build(tenant: Tenant): Promise<TenantServices> {
    const rows = await this.transactions.run(tenant.id, async (scope) => {
      const services = await this.services.list(scope);
      const missing = services
        .map((s) => s.definition_id)
        .filter((id): id is string => id !== null && !this.definitions.has(id));
      if (missing.length) {
        const found = await this.definitionRows.documents(scope, missing);
        // Published versions never change, so a version read once serves every tenant that adopts it.
        for (const d of found) this.definitions.set(d.id, { id: d.id, owner: d.owner_slug, document: d.document });
      }
      return services;
    });
    const list: CatalogEntry[] = [];
    for (const row of rows) {
      if (row.type === 'link') {
        const link = this.linkEntry(row.key);
        if (link) list.push(link);
        continue;
      }
      const record = row.definition_id ? this.definitions.get(row.definition_id) : undefined;
      // A private definition of another tenant is never served, whatever a row says.
      if (!record || (record.document.visibility === 'private' && record.owner !== tenant.slug)) continue;
      list.push(this.onlineEntry(tenant, row, record));
    }
    const searchSet = contentHash(rows.map((r) => [r.key, r.type, r.definition_id]));
    const services = { revision: tenant.revision, list, byKey: new Map(list.map((s) => [s.key, s])), searchSet };
    const current = this.registry.getById(tenant.id);
    if (!current || current.revision === tenant.revision) {
      this.byTenant.delete(tenant.id);
      this.byTenant.set(tenant.id, services);
      // A tenant nobody asked for in a long while is read again when somebody does (one query).
      if (this.byTenant.size > MAX_TENANTS) this.byTenant.delete(this.byTenant.keys().next().value as string);
    }
    return services;
  }

  private onlineEntry(tenant: Tenant, row: TenantServiceRow, record: DefinitionRecord): CatalogEntry {
    const d = record.document;
    const registry = this.registry;
    const officeParam = Object.entries(d.parameters ?? {}).find(([, p]) => p.type === 'office')?.[0];
    const officeId = officeParam ? row.parameters[officeParam] : undefined;
    const entry: CatalogEntry = {
      key: d.key,
      type: 'online',
      title: d.title,
      summary: d.summary,
      lebenslagen: d.lebenslagen,
      keywords: d.keywords ?? [],
      definition: {
        id: record.id,
        owner: record.owner,
        // Read when shown, so that a renamed owner is named anew.
        get ownerName(): string {
          return registry.get(record.owner)?.config.shortName ?? registry.get(record.owner)?.name ?? record.owner;
        },
        key: d.key,
        version: d.version,
        range: row.version_range ?? '',
      },
      document: d,
      parameters: row.parameters,
      office: tenant.config.offices?.find((o) => o.id === officeId),
      trustLevel: d.trustLevel,
      requiredDocuments: d.requiredDocuments ?? [],
      processingTime: d.processingTime,
      legalBasis: d.legalBasis ?? [],
    };
    const previewKey = `${record.id}:${JSON.stringify(row.parameters)}`;
    let fee = this.previews.get(previewKey);
    if (!fee) {
      fee = previewFee(this.rules, d.fees ?? [], entry.parameters, d.form);
      if (this.previews.size >= MAX_PREVIEWS) this.previews.clear();
      this.previews.set(previewKey, fee);
    }
    entry.fee = fee;
    return entry;
  }

  private linkEntry(key: string): CatalogEntry | undefined {
    const cached = this.linkEntries.get(key);
    if (cached) return cached;
    const link = catalogData().linkServices.find((s) => s.key === key);
    if (!link) return undefined;
    const entry: CatalogEntry = {
      key: link.key,
      type: 'link',
      title: link.title,
      summary: link.summary,
      lebenslagen: link.lebenslagen,
      keywords: link.keywords ?? [],
      parameters: {},
      requiredDocuments: [],
      legalBasis: [],
      url: link.url,
      provider: link.provider,
      land: link.land,
    };
    this.linkEntries.set(key, entry);
    return entry;
  }
}
