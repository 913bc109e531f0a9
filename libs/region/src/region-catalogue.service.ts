import { Injectable } from '@nestjs/common';
import { CatalogEntry, CatalogService, catalogData, searchWords } from '@openrathaus/catalog';
import { localized } from '@openrathaus/i18n';
import { Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { RegionError, RegionErrorCode, invalidRegionField } from './region.error';
import {
  OfferType,
  RegionMember,
  RegionService,
  ResponsibleAnswer,
  ResponsibleQuery,
  findResponsible,
  offerFor,
} from './region-offers';

/** One row of the comparison: a service and how each member offers it. */
export interface ComparisonRow {
  service: RegionService;
  cells: OfferType[];
}

/** Counts of one member (or the whole region) in the comparison. */
export interface OfferCounts {
  online: number;
  link: number;
  district: number;
  none: number;
}

/** The table "what is online where": services × members, with each member's and the region's totals. */
export interface Comparison {
  members: RegionMember[];
  rows: ComparisonRow[];
  totals: OfferCounts[];
  region: OfferCounts & {
    services: number;
    /** Services at least one member offers online. */
    onlineSomewhere: number;
    /** Cells that are online (own or through the district), per cell, 0..1. */
    onlineShare: number;
  };
}

const collator = new Intl.Collator('de');

/**
 * The region's union catalogue: every member's services once, with the members that offer them.
 * It asks the catalogue for each member's own list and search, under that member's tenant (the
 * catalogue's transactions, RLS in force); the region keeps no copy and has no table.
 */
@Injectable()
export class RegionCatalogue {
  constructor(
    private readonly catalog: CatalogService,
    private readonly registry: TenantRegistry,
  ) {}

  /** The members that serve their portal: districts first, then the towns, by name. */
  members(region: Tenant): RegionMember[] {
    this.assertRegion(region);
    return this.registry
      .membersOf(region.slug)
      .filter((m) => isServing(m) && m.kind !== 'region')
      .map((m) => this.member(m))
      .sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'district' ? -1 : 1));
  }

  /** The towns of the region (municipalities), by name, for the finder's list. */
  towns(region: Tenant): RegionMember[] {
    return this.members(region)
      .filter((m) => m.kind === 'municipality')
      .sort((a, b) => collator.compare(a.name, b.name));
  }

  /** Every service of any member, once, by title. */
  async services(region: Tenant, locale = 'de'): Promise<RegionService[]> {
    const members = this.members(region);
    const byKey = new Map<string, RegionService>();
    // One member after the other: each is one transaction of the catalogue's (or none when kept).
    for (const member of members) {
      const tenant = this.registry.get(member.slug);
      if (!tenant) continue;
      for (const entry of await this.catalog.list(tenant)) this.add(byKey, member, entry);
    }
    const title = (s: RegionService) => localized(s.title, locale);
    return [...byKey.values()].sort((a, b) => collator.compare(title(a), title(b)));
  }

  /**
   * The services whose words match `q` at any member (the catalogue's German full-text search,
   * with its fallback to similar words), each once; nothing typed gives everything.
   */
  async search(region: Tenant, q: string, locale = 'de'): Promise<RegionService[]> {
    const words = searchWords(q);
    const all = await this.services(region, locale);
    if (!words) return all;
    const found = new Map<string, number>();
    for (const member of this.members(region)) {
      const tenant = this.registry.get(member.slug);
      if (!tenant) continue;
      (await this.catalog.search(tenant, words)).forEach((entry, rank) => {
        found.set(entry.key, Math.min(found.get(entry.key) ?? rank, rank));
      });
    }
    // The best rank any member gave; equal ranks keep the order by title.
    return all.filter((s) => found.has(s.key)).sort((a, b) => (found.get(a.key) ?? 0) - (found.get(b.key) ?? 0));
  }

  /**
   * The services of a Lebenslage, Unternehmenslage or Themenfeld, across the region; an unknown id
   * is a 400 naming `lebenslage` (the pages answer 404 before they ask).
   */
  async byLage(region: Tenant, id: string, locale = 'de'): Promise<RegionService[]> {
    const data = catalogData();
    const lagen = data.themenfelder.some((t) => t.id === id)
      ? new Set(data.lagen.filter((l) => l.themenfelder.includes(id)).map((l) => l.id))
      : data.lagenIds.has(id)
        ? new Set([id])
        : undefined;
    if (!lagen) throw invalidRegionField('lebenslage', 'unknown');
    return (await this.services(region, locale)).filter((s) => s.lebenslagen.some((l) => lagen.has(l)));
  }

  /** Services × members: how each member offers each service, with the totals. */
  async comparison(region: Tenant, locale = 'de'): Promise<Comparison> {
    const members = this.members(region);
    const services = await this.services(region, locale);
    const empty = (): OfferCounts => ({ online: 0, link: 0, district: 0, none: 0 });
    const totals = members.map(empty);
    const sum = empty();
    let onlineSomewhere = 0;
    let onlineCells = 0;
    const rows = services.map((service) => {
      const cells = members.map((m, i) => {
        const { type, offer } = offerFor(service, m);
        totals[i][type] += 1;
        sum[type] += 1;
        if (type === 'online' || (type === 'district' && offer?.type === 'online')) onlineCells += 1;
        return type;
      });
      if (service.offers.some((o) => o.type === 'online')) onlineSomewhere += 1;
      return { service, cells };
    });
    const cellCount = services.length * members.length;
    return {
      members,
      rows,
      totals,
      region: {
        ...sum,
        services: services.length,
        onlineSomewhere,
        onlineShare: cellCount ? onlineCells / cellCount : 0,
      },
    };
  }

  /** The member(s) responsible for a service by postal code or town (see {@link findResponsible}). */
  async responsible(region: Tenant, query: ResponsibleQuery): Promise<ResponsibleAnswer> {
    const members = this.members(region);
    return findResponsible(members, await this.services(region), query);
  }

  private add(byKey: Map<string, RegionService>, member: RegionMember, entry: CatalogEntry): void {
    let service = byKey.get(entry.key);
    if (!service) {
      service = {
        key: entry.key,
        title: entry.title,
        summary: entry.summary,
        lebenslagen: [...entry.lebenslagen],
        offers: [],
      };
      byKey.set(entry.key, service);
    }
    service.offers.push({
      slug: member.slug,
      type: entry.type,
      url: `${member.portalUrl}leistungen/${encodeURIComponent(entry.key)}`,
    });
  }

  private member(tenant: Tenant): RegionMember {
    return {
      slug: tenant.slug,
      name: tenant.config.shortName ?? tenant.name,
      kind: tenant.kind === 'district' ? 'district' : 'municipality',
      portalUrl: this.registry.portalUrl(tenant),
      district: tenant.config.district,
      postalCodes: tenant.config.postalCodes ?? [],
    };
  }

  private assertRegion(region: Tenant): void {
    if (region.kind !== 'region') throw new RegionError(RegionErrorCode.NotFound, { what: 'region' });
  }
}
