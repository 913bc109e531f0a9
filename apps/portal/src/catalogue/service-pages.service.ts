import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CatalogEntry, CatalogService, catalogData, formatMoney, searchWords } from '@openrathaus/catalog';
import { CoreError, CoreErrorCode } from '@openrathaus/core';
import { Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { I18n, localized, shownLocale } from '@openrathaus/i18n';
import { PageCache, ViewEngine } from '@openrathaus/web';
import { cachedPage, pageCacheKey, readyPage } from '../http/cached-page';
import { tenantOf } from '../http/request-state';
import { PageContext } from '../http/page-context.service';

/** How long a search query may be; the catalogue reads no more either. */
/** Search pages kept in the page cache per tenant revision, and for all tenants together. */
const SEARCHES_PER_TENANT = 50;
/** Online services on the home page; the rest are one click further. */
const HOME_ONLINE = 6;
/** Characters of shared parts kept (service lists as HTML, shared by tenants with the same services). */
const MAX_PART_CHARS = 32 * 1024 * 1024;
/** Names of the Länder by the two-digit AGS prefix, for link services of a Land. */
const LAND_KEYS: Record<string, string> = { '05': 'catalog.provider.land.05' };

/** One service in a list: a link to its page, or straight to the offering of Bund or Land. */
export interface ServiceItem {
  key: string;
  title: string;
  summary: string;
  href: string;
  external: boolean;
  tag: string;
  tagClass: string;
}

interface ListView {
  heading: string;
  /** A town's list: the services its district offers for it (that the town does not offer itself). */
  district?: { heading: string; intro: string; services: ServiceItem[] };
  intro?: string;
  count?: string;
  services?: ServiceItem[];
  groups?: { id: string; title: string; url: string; services: ServiceItem[] }[];
  /** The same as HTML, rendered once for every tenant that offers the same services. */
  servicesHtml?: string;
  groupsHtml?: string;
  empty?: string;
  backLink?: { url: string; text: string };
  /** Whether the Lebenslagen lead anywhere: not when the tenant has no services at all. */
  lagenLink?: boolean;
}

/** What an item of a service list shows depends on this alone: the definition version, or the link service. */
const entryId = (entry: CatalogEntry): string => entry.definition?.id ?? entry.key;

/** `{q: ' Hund  '}` -> `Hund`; the first value of a repeated parameter, control characters out. */
export function queryValue(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? searchWords(first) : '';
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Turns the description (plain text from the catalogue) into paragraphs; no markup gets through. */
function descriptionHtml(text: string): string {
  // A shared definition comes from another tenant: its words and the values filled in are text, all escaped.
  const safe = text.replace(/[&<>"']/g, (c) => ESCAPES[c]).trim();
  if (!safe) return '';
  return safe
    .split(/\n\s*\n/)
    .map((p) => `<p class="kern-body">${p.trim().replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/**
 * The catalogue as citizens see it: the service list with search and Lebenslagen, the page of
 * each service, and the catalogue's part of the home page. Pages are the same for every anonymous
 * visitor, so each is rendered once per tenant revision, language and normalised address.
 */
@Injectable()
export class ServicePages {
  /** Search pages in the cache, per tenant id: which revision they belong to and their addresses. */
  private readonly searches = new Map<string, { key: string; pages: Set<string> }>();
  /** Parts of pages that tenants share, by what they show; least recently used first. */
  private readonly parts = new Map<string, string>();
  private partChars = 0;

  constructor(
    private readonly catalog: CatalogService,
    private readonly registry: TenantRegistry,
    private readonly views: ViewEngine,
    private readonly cache: PageCache,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
  ) {}

  /** `/leistungen`: search results, the services of a Lage, or everything by Themenfeld. */
  list(request: FastifyRequest, reply: FastifyReply, query: Record<string, unknown>): Promise<Buffer | undefined> {
    const q = queryValue(query.q);
    const lage = queryValue(query.lebenslage);
    const params = new URLSearchParams();
    if (lage) params.set('lebenslage', lage);
    if (q) params.set('q', q);
    const search = params.toString();
    const path = search ? `/leistungen?${search}` : '/leistungen';
    return this.answer(request, reply, path, (tenant, locale) => this.renderList(tenant, locale, path, q, lage), !!q);
  }

  /** `/lebenslagen`: every Themenfeld with its Lagen, those with services of the tenant linked. */
  lagen(request: FastifyRequest, reply: FastifyReply): Promise<Buffer | undefined> {
    return this.answer(request, reply, '/lebenslagen', (tenant, locale) => this.renderLagen(tenant, locale));
  }

  /** `/lebenslagen/:id`: the services of a Themenfeld or a Lage. */
  lage(request: FastifyRequest, reply: FastifyReply, id: string): Promise<Buffer | undefined> {
    if (!this.lageTitle(id, 'de')) throw new CoreError(CoreErrorCode.NotFound, { what: 'lebenslage' });
    const path = `/lebenslagen/${id}`;
    return this.answer(request, reply, path, (tenant, locale) => this.renderList(tenant, locale, path, '', id));
  }

  /** `/leistungen/:key`: one service. */
  service(request: FastifyRequest, reply: FastifyReply, key: string): Promise<Buffer | undefined> {
    const path = `/leistungen/${encodeURIComponent(key)}`;
    return this.answer(request, reply, path, async (tenant, locale) => {
      // An unknown key is the catalogue's not-found error: the 404 page, and nothing cached.
      const entry = await this.catalog.get(tenant, key);
      return this.renderService(tenant, locale, path, entry);
    });
  }

  /** What the home page shows of the catalogue: Themenfelder with counts and the online services. */
  async home(tenant: Tenant, locale: string): Promise<Record<string, unknown>> {
    const services = await this.catalog.list(tenant);
    const online = services.filter((s) => s.type === 'online');
    return {
      hasServices: services.length > 0,
      themen: this.groups(services).map((g) => ({
        title: localized(g.title, locale),
        url: `/lebenslagen/${g.id}`,
        count: this.count(locale, g.services.length),
      })),
      online: online.slice(0, HOME_ONLINE).map((s) => this.item(s, locale)),
      total: services.length,
    };
  }

  private async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    render: (tenant: Tenant, locale: string) => Promise<string>,
    isSearch = false,
  ): Promise<Buffer | undefined> {
    const tenant = tenantOf(request);
    // The portal list on localhost has no catalogue.
    if (!tenant) throw new CoreError(CoreErrorCode.NotFound, { what: 'page' });
    const locale = this.pages.locale(request, reply, tenant);
    const key = pageCacheKey(tenant);
    let page = this.cache.get(key, locale, path);
    if (!page) {
      page = cachedPage(await render(tenant, locale));
      if (!isSearch || this.admitSearch(tenant, `${locale}\u0000${path}`)) this.cache.set(key, locale, path, page);
    }
    return readyPage(request, reply, page);
  }

  /**
   * Whether a search page may go into the cache. Anyone can ask for any query: a tenant revision
   * gets a few search pages, and the page cache, which drops the least recently used first, bounds
   * the whole in bytes; busy pages are used again and again and stay.
   */
  private admitSearch(tenant: Tenant, page: string): boolean {
    const key = pageCacheKey(tenant);
    let kept = this.searches.get(tenant.id);
    if (kept?.key !== key) {
      kept = { key, pages: new Set() };
      this.searches.set(tenant.id, kept);
    }
    if (kept.pages.has(page)) return true;
    if (kept.pages.size >= SEARCHES_PER_TENANT) return false;
    kept.pages.add(page);
    return true;
  }

  private async renderList(tenant: Tenant, locale: string, path: string, q: string, lage: string): Promise<string> {
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    // An unknown id: byLage throws the catalogue's error (400, field `lebenslage`), and nothing is cached.
    const inLage = lage ? await this.catalog.byLage(tenant, lage) : undefined;
    const lageTitle = lage ? this.lageTitle(lage, locale) : undefined;
    let view: ListView;
    if (q) {
      const keys = inLage && new Set(inLage.map((s) => s.key));
      const found = (await this.catalog.search(tenant, q)).filter((s) => !keys || keys.has(s.key));
      const ofDistrict = await this.districtItems(tenant, locale, found, (district) =>
        lage ? this.catalog.byLage(district, lage) : this.catalog.search(district, q),
      );
      view = {
        heading: t('catalog.services.results', { q }),
        intro: lageTitle ? t('catalog.services.within', { title: lageTitle }) : undefined,
        count: t(found.length === 1 ? 'catalog.services.found.one' : 'catalog.services.found.other', {
          count: found.length,
        }),
        ...(ofDistrict.length
          ? { services: [...found.map((s) => this.item(s, locale)), ...ofDistrict] }
          : this.serviceList(tenant, locale, found)),
        empty: found.length || ofDistrict.length ? undefined : t('catalog.services.noResults', { q }),
        backLink: { url: '/leistungen', text: t('catalog.services.all') },
      };
    } else if (inLage) {
      const ofDistrict = await this.districtItems(tenant, locale, inLage, (district) =>
        this.catalog.byLage(district, lage),
      );
      view = {
        heading: lageTitle ?? lage,
        intro: t('catalog.lage.intro', { name: tenant.config.shortName ?? tenant.name }),
        count: this.count(locale, inLage.length),
        // A town's list with its district's services is its own; only the plain list is shared.
        ...(ofDistrict.length
          ? { services: [...inLage.map((s) => this.item(s, locale)), ...ofDistrict] }
          : this.serviceList(tenant, locale, inLage)),
        empty: inLage.length || ofDistrict.length ? undefined : t('catalog.lage.empty'),
        backLink: { url: '/lebenslagen', text: t('catalog.lagen.all') },
      };
    } else {
      const services = await this.catalog.list(tenant);
      const ofDistrict = await this.districtItems(tenant, locale, services, (district) => this.catalog.list(district));
      const district = this.districtOf(tenant);
      view = {
        district:
          district && ofDistrict.length
            ? {
                heading: t('region.district.group'),
                intro: t('region.district.intro', { name: district.config.shortName ?? district.name }),
                services: ofDistrict,
              }
            : undefined,
        heading: t('catalog.services.title'),
        intro: t('catalog.services.intro', { name: tenant.config.shortName ?? tenant.name }),
        ...this.serviceGroups(tenant, locale, services),
        empty: services.length ? undefined : t('catalog.services.none'),
      };
    }
    const lagenLink = (await this.catalog.list(tenant)).length > 0;
    const data = { ...this.base(tenant, locale, path, view.heading), ...view, lagenLink, q };
    return this.views.render('services', data, this.pages.overlay(tenant));
  }

  private async renderLagen(tenant: Tenant, locale: string): Promise<string> {
    const data = catalogData();
    const services = await this.catalog.list(tenant);
    const perLage = new Map<string, number>();
    for (const s of services) for (const l of new Set(s.lebenslagen)) perLage.set(l, (perLage.get(l) ?? 0) + 1);
    const perThema = new Map(this.groups(services).map((g) => [g.id, g.services.length]));
    const lage = (l: (typeof data.lagen)[number]) => {
      const count = perLage.get(l.id) ?? 0;
      return {
        title: localized(l.title, locale),
        url: count ? `/lebenslagen/${l.id}` : undefined,
        count: this.count(locale, count),
      };
    };
    const themen = data.themenfelder.map((thema) => {
      const lagen = data.lagen.filter((l) => l.themenfelder.includes(thema.id));
      const count = perThema.get(thema.id) ?? 0;
      return {
        id: thema.id,
        title: localized(thema.title, locale),
        url: count ? `/lebenslagen/${thema.id}` : undefined,
        count: this.count(locale, count),
        lebenslagen: lagen.filter((l) => l.kind === 'lebenslage').map(lage),
        unternehmenslagen: lagen.filter((l) => l.kind === 'unternehmenslage').map(lage),
      };
    });
    const title = this.i18n.t(locale, 'catalog.lagen.title');
    return this.views.render(
      'lebenslagen',
      { ...this.base(tenant, locale, '/lebenslagen', title), themen },
      this.pages.overlay(tenant),
    );
  }

  private renderService(tenant: Tenant, locale: string, path: string, entry: CatalogEntry): string {
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const title = localized(entry.title, locale);
    const office = entry.office;
    const hours = office?.contact?.openingHours as Record<string, string | undefined> | undefined;
    const definition = entry.definition;
    // A service without the chosen language is shown in German, said once at the top, and marked
    // German for screen readers (and left to right in an Arabic page).
    const shown = shownLocale(entry.title, locale) === locale && shownLocale(entry.summary, locale) === locale;
    const fallback = locale !== 'de' && !shown ? { lang: 'de', dir: 'ltr' } : undefined;
    const service = {
      key: entry.key,
      title,
      fallback,
      summary: localized(entry.summary, locale),
      description: entry.type === 'online' ? descriptionHtml(this.catalog.describe(tenant, entry, locale)) : '',
      online: entry.type === 'online',
      applyUrl: `/leistungen/${encodeURIComponent(entry.key)}/antrag`,
      url: entry.url,
      tag: this.tag(entry, locale),
      linkNote: entry.type === 'link' ? t(`catalog.service.linkNote.${entry.provider ?? 'bund'}`) : undefined,
      fee: entry.fee && {
        total: formatMoney(entry.fee.totalCents, locale),
        lines: entry.fee.lines.map((l) => ({
          label: localized(l.label, locale),
          amount: formatMoney(l.cents, locale),
        })),
        several: entry.fee.lines.length > 1,
        conditional: entry.fee.conditional.map((l) => ({
          label: localized(l.label, locale),
          amount: formatMoney(l.cents, locale),
        })),
        // No line at the default answers is "free" only when no answer can add one.
        free: entry.fee.lines.length === 0 && !entry.fee.dependsOnAnswers,
        open: entry.fee.lines.length === 0 && entry.fee.dependsOnAnswers,
        dependsOnAnswers: entry.fee.dependsOnAnswers,
      },
      documents: entry.requiredDocuments.map((d) => localized(d, locale)),
      processingTime: entry.processingTime && localized(entry.processingTime, locale),
      legalBasis: entry.legalBasis,
      trust:
        entry.type === 'online' && entry.trustLevel
          ? t(entry.trustLevel === 'basic' ? 'catalog.service.trust.basic' : 'catalog.service.trust.eid')
          : undefined,
      office: office && {
        name: office.name,
        address: office.address,
        phone: office.contact?.phone,
        phoneHref: office.contact?.phone?.replace(/[^+0-9]/g, ''),
        email: office.contact?.email,
        website: office.contact?.website,
        hours: hours?.[locale] ?? hours?.de,
      },
      lagen: [...new Set(entry.lebenslagen)]
        .map((id) => ({ title: this.lageTitle(id, locale), url: `/lebenslagen/${id}` }))
        .filter((l) => l.title),
      origin:
        definition &&
        (definition.owner === tenant.slug
          ? t('catalog.service.version', { version: definition.version })
          : t('catalog.service.developedBy', { owner: definition.ownerName, version: definition.version })),
    };
    return this.views.render(
      'service',
      { ...this.base(tenant, locale, path, title), service },
      this.pages.overlay(tenant),
    );
  }

  /**
   * A list of services for the page: as HTML shared with every tenant that lists the same services
   * (the items show only what their definition version or link service says), or as data for a
   * tenant whose own templates may show them otherwise.
   */
  private serviceList(
    tenant: Tenant,
    locale: string,
    services: CatalogEntry[],
  ): Pick<ListView, 'services' | 'servicesHtml'> {
    if (!services.length) return {};
    if (!this.views.platformOnly(this.pages.overlay(tenant)))
      return { services: services.map((s) => this.item(s, locale)) };
    const key = `list\u0000${locale}\u0000${services.map(entryId).join(' ')}`;
    return {
      servicesHtml: this.part(key, () =>
        this.views.partial('service-list', { locale, services: services.map((s) => this.item(s, locale)) }),
      ),
    };
  }

  /** All services by Themenfeld, shared like {@link serviceList}. */
  private serviceGroups(
    tenant: Tenant,
    locale: string,
    services: CatalogEntry[],
  ): Pick<ListView, 'groups' | 'groupsHtml'> {
    const groups = () =>
      this.groups(services).map((g) => ({
        id: g.id,
        title: localized(g.title, locale),
        url: `/lebenslagen/${g.id}`,
        services: g.services.map((s) => this.item(s, locale)),
      }));
    if (!services.length || !this.views.platformOnly(this.pages.overlay(tenant))) return { groups: groups() };
    const key = `groups\u0000${locale}\u0000${services.map(entryId).join(' ')}`;
    return { groupsHtml: this.part(key, () => this.views.partial('service-groups', { locale, groups: groups() })) };
  }

  /** A shared part from the cache, or rendered and kept; the least recently used go first. */
  private part(key: string, render: () => string): string {
    let html = this.parts.get(key);
    if (html !== undefined) {
      this.parts.delete(key);
      this.parts.set(key, html);
      return html;
    }
    // Unindented like the page it goes into (see cachedPage), so that the page's bytes do not change.
    html = render().replace(/\n\s+/g, '\n');
    this.parts.set(key, html);
    this.partChars += key.length + html.length;
    while (this.partChars > MAX_PART_CHARS) {
      const oldest = this.parts.keys().next().value as string;
      this.partChars -= oldest.length + (this.parts.get(oldest) ?? '').length;
      this.parts.delete(oldest);
    }
    return html;
  }

  /** The layout's data, with language links that keep the query of the page. */
  private base(tenant: Tenant, locale: string, path: string, title: string): Record<string, unknown> {
    const [pathname, query] = path.split('?');
    const base = this.pages.base(tenant, locale, pathname, title);
    if (query) {
      base.languages = (base.languages as { code: string; url: string }[]).map((l) => ({
        ...l,
        url: `${pathname}?${query}&lang=${l.code}`,
      }));
    }
    return base;
  }

  /** The district whose services hold for this town too, when it serves its portal. */
  private districtOf(tenant: Tenant): Tenant | undefined {
    const slug = tenant.kind === 'municipality' ? tenant.config.district : undefined;
    const district = slug ? this.registry.get(slug) : undefined;
    return district && district.kind === 'district' && isServing(district) ? district : undefined;
  }

  /**
   * The district's services that a town's list shows too (those the town does not offer itself),
   * each saying that the district is responsible and leading to the district's portal.
   */
  private async districtItems(
    tenant: Tenant,
    locale: string,
    own: CatalogEntry[],
    pick: (district: Tenant) => Promise<CatalogEntry[]>,
  ): Promise<ServiceItem[]> {
    const district = this.districtOf(tenant);
    if (!district) return [];
    const ownKeys = new Set((await this.catalog.list(tenant)).map((s) => s.key));
    const shown = new Set(own.map((s) => s.key));
    const name = district.config.shortName ?? district.name;
    return (await pick(district))
      .filter((s) => s.type === 'online' && !ownKeys.has(s.key) && !shown.has(s.key))
      .map((s) => ({
        ...this.item(s, locale),
        href: `${this.registry.portalUrl(district)}leistungen/${encodeURIComponent(s.key)}`,
        external: false,
        tag: this.i18n.t(locale, 'region.district.tag', { name }),
        tagClass: 'kern-badge--warning',
      }));
  }

  /** The Themenfelder that have services, in the catalogue's order, each with its services. */
  private groups(services: CatalogEntry[]) {
    const data = catalogData();
    const themenOf = new Map(data.lagen.map((l) => [l.id, l.themenfelder]));
    return data.themenfelder
      .map((thema) => ({
        id: thema.id,
        title: thema.title,
        services: services.filter((s) => s.lebenslagen.some((l) => themenOf.get(l)?.includes(thema.id))),
      }))
      .filter((g) => g.services.length > 0);
  }

  private lageTitle(id: string, locale: string): string | undefined {
    const data = catalogData();
    const found = data.themenfelder.find((t) => t.id === id) ?? data.lagen.find((l) => l.id === id);
    return found && localized(found.title, locale);
  }

  private item(entry: CatalogEntry, locale: string): ServiceItem {
    const external = entry.type === 'link' && !!entry.url;
    return {
      key: entry.key,
      title: localized(entry.title, locale),
      summary: localized(entry.summary, locale),
      href: external ? (entry.url as string) : `/leistungen/${encodeURIComponent(entry.key)}`,
      external,
      tag: this.tag(entry, locale),
      tagClass: entry.type === 'online' ? 'kern-badge--success' : 'kern-badge--info',
    };
  }

  private tag(entry: CatalogEntry, locale: string): string {
    if (entry.type === 'online') return this.i18n.t(locale, 'catalog.tag.online');
    if (entry.provider === 'land') {
      const land = catalogData().linkServices.find((s) => s.key === entry.key)?.land;
      const name = this.i18n.t(locale, (land && LAND_KEYS[land]) || 'catalog.provider.land');
      return this.i18n.t(locale, 'catalog.tag.land', { name });
    }
    return this.i18n.t(locale, 'catalog.tag.bund');
  }

  private count(locale: string, n: number): string {
    return this.i18n.t(locale, n === 1 ? 'catalog.count.one' : 'catalog.count.other', { count: n });
  }
}
