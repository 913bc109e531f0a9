import { Injectable } from '@nestjs/common';
import { barChart } from '@openrathaus/backoffice';
import { catalogData } from '@openrathaus/catalog';
import { DomainError } from '@openrathaus/core';
import { I18n, localized } from '@openrathaus/i18n';
import {
  OfferType,
  RegionCatalogue,
  RegionError,
  RegionErrorCode,
  RegionMember,
  RegionService,
  RegionStatistics,
  ResponsibleQuery,
  offerFor,
  regionRange,
} from '@openrathaus/region';
import { Tenant } from '@openrathaus/tenancy';
import { ViewEngine } from '@openrathaus/web';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext } from '../http/page-context.service';

type T = (key: string, params?: Record<string, unknown>) => string;

/** A rendered page and its status. */
export interface RegionPage {
  status: number;
  html: string;
}

const queryString = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * The region's pages: one search across the members, the responsibility finder, the table of what
 * is online where, the Lebenslagen of the region and its statistics. Server-rendered, no script.
 */
@Injectable()
export class RegionPages {
  constructor(
    private readonly catalogue: RegionCatalogue,
    private readonly statistics: RegionStatistics,
    private readonly views: ViewEngine,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    private readonly errors: ErrorResponder,
  ) {}

  async search(region: Tenant, locale: string, q: string): Promise<RegionPage> {
    const t = this.t(locale);
    const members = this.catalogue.members(region);
    const found = q ? await this.catalogue.search(region, q, locale) : [];
    const title = q ? t('region.search.results', { q }) : t('region.search.title');
    return this.render(region, locale, 'region-search', `/region/suche${queryString({ q })}`, title, {
      q,
      searched: !!q,
      count: q
        ? t(found.length === 1 ? 'region.search.found.one' : 'region.search.found.other', { count: found.length })
        : '',
      services: found.map((s) => this.serviceView(s, members, locale, t)),
    });
  }

  async finder(region: Tenant, locale: string, query: ResponsibleQuery, asked: boolean): Promise<RegionPage> {
    const t = this.t(locale);
    const towns = this.catalogue.towns(region);
    const services = await this.catalogue.services(region, locale);
    const fields: Record<string, string> = {};
    let status = 200;
    let result: Record<string, unknown> | undefined;
    if (asked) {
      try {
        const answer = await this.catalogue.responsible(region, query);
        const title = localized(answer.service.title, locale);
        result = {
          service: title,
          ambiguous: answer.ambiguous,
          postalCode: query.postalCode,
          members: answer.members.map((m) => ({
            ...m,
            choiceUrl: `/region/zustaendigkeit${queryString({ postalCode: query.postalCode, town: m.town, service: answer.service.key })}`,
            note: t(`region.finder.answer.${m.type}`, { town: m.townName, name: m.name, service: title }),
            offered: m.type !== 'none',
          })),
        };
      } catch (error) {
        if (!(error instanceof DomainError) || !error.fields.length) throw error;
        status = error.kind === 'unprocessable' ? 422 : 400;
        for (const f of error.fields) fields[f.field] = this.errors.fieldMessage(locale, f);
      }
    }
    const title = t('region.finder.title');
    const path = `/region/zustaendigkeit${queryString({ ...query })}`;
    const page = await this.render(region, locale, 'region-finder', path, title, {
      postalCode: query.postalCode ?? '',
      errors: Object.keys(fields).length
        ? Object.entries(fields).map(([field, message]) => ({
            id: field === 'town' ? 'f-town' : field === 'service' ? 'f-service' : 'f-postalCode',
            message,
          }))
        : undefined,
      postalCodeError: fields.postalCode,
      townError: fields.town,
      serviceError: fields.service,
      towns: towns.map((m) => ({ slug: m.slug, name: m.name, selected: m.slug === query.town })),
      services: services.map((s) => ({
        key: s.key,
        title: localized(s.title, locale),
        selected: s.key === query.service,
      })),
      result,
    });
    return { ...page, status };
  }

  async comparison(region: Tenant, locale: string): Promise<RegionPage> {
    const t = this.t(locale);
    const c = await this.catalogue.comparison(region, locale);
    const percent = (share: number) => `${Math.round(share * 100)} %`;
    return this.render(region, locale, 'region-comparison', '/region/vergleich', t('region.comparison.title'), {
      members: c.members,
      rows: c.rows.map((r) => ({
        title: localized(r.service.title, locale),
        key: r.service.key,
        cells: r.cells.map((type) => this.cell(type, t)),
      })),
      totals: (['online', 'link', 'district', 'none'] as const).map((type) => ({
        label: t(`region.offer.${type}`),
        counts: c.totals.map((counts) => counts[type]),
        sum: c.region[type],
      })),
      summary: t('region.comparison.summary', {
        services: c.region.services,
        members: c.members.length,
        onlineSomewhere: c.region.onlineSomewhere,
        share: percent(c.region.onlineShare),
      }),
      legend: (['online', 'link', 'district', 'none'] as const).map((type) => ({
        ...this.cell(type, t),
        text: t(`region.legend.${type}`),
      })),
    });
  }

  async lagen(region: Tenant, locale: string): Promise<RegionPage> {
    const t = this.t(locale);
    const data = catalogData();
    const services = await this.catalogue.services(region, locale);
    const perLage = new Map<string, number>();
    for (const s of services) for (const l of new Set(s.lebenslagen)) perLage.set(l, (perLage.get(l) ?? 0) + 1);
    const themen = data.themenfelder
      .map((thema) => ({
        id: thema.id,
        title: localized(thema.title, locale),
        lagen: data.lagen
          .filter((l) => l.themenfelder.includes(thema.id) && (perLage.get(l.id) ?? 0) > 0)
          .map((l) => ({
            title: localized(l.title, locale),
            url: `/region/lebenslagen/${l.id}`,
            count: this.count(locale, perLage.get(l.id) ?? 0),
          })),
      }))
      .filter((thema) => thema.lagen.length > 0);
    return this.render(region, locale, 'region-lagen', '/region/lebenslagen', t('region.lagen.title'), { themen });
  }

  async lage(region: Tenant, locale: string, id: string): Promise<RegionPage> {
    const t = this.t(locale);
    const data = catalogData();
    const lage = data.themenfelder.find((x) => x.id === id) ?? data.lagen.find((x) => x.id === id);
    if (!lage) throw new RegionError(RegionErrorCode.NotFound, { what: 'lebenslage' });
    const members = this.catalogue.members(region);
    const services = await this.catalogue.byLage(region, id, locale);
    const title = localized(lage.title, locale);
    return this.render(region, locale, 'region-search', `/region/lebenslagen/${id}`, title, {
      lage: true,
      services: services.map((s) => this.serviceView(s, members, locale, t)),
      count: this.count(locale, services.length),
    });
  }

  async statisticsPage(region: Tenant, locale: string, from: unknown, to: unknown): Promise<RegionPage> {
    const t = this.t(locale);
    const range = regionRange(from, to);
    const s = await this.statistics.of(region, range);
    const services = await this.catalogue.services(region, locale);
    const titleOf = new Map(services.map((x) => [x.key, localized(x.title, locale)]));
    const percent = (share: number) => `${Math.round(share * 100)} %`;
    const rows = <X extends { submitted: number; completed: number; onlineShare: number }>(xs: X[]) =>
      xs.map((x) => ({ ...x, share: percent(x.onlineShare) }));
    return this.render(region, locale, 'region-statistics', '/region/statistik', t('region.stats.title'), {
      range,
      total: { ...s.total, share: percent(s.total.onlineShare) },
      perMonth: {
        chart: barChart({
          id: 'chart-months',
          title: t('region.stats.perMonth'),
          description: t('region.stats.perMonthDesc'),
          bars: s.months.map((m) => ({ label: m.month, value: m.submitted, text: String(m.submitted) })),
        }),
        rows: rows(s.months),
      },
      online: {
        chart: barChart({
          id: 'chart-online',
          title: t('region.stats.online'),
          description: t('region.stats.onlineDesc'),
          bars: s.members.map((m) => ({ label: m.name, value: m.onlineShare, text: percent(m.onlineShare) })),
        }),
        rows: rows(s.members),
      },
      perService: {
        chart: barChart({
          id: 'chart-services',
          title: t('region.stats.perService'),
          description: t('region.stats.perServiceDesc'),
          bars: s.services.map((x) => ({
            label: titleOf.get(x.key) ?? x.key,
            value: x.submitted,
            text: String(x.submitted),
          })),
        }),
        rows: rows(s.services.map((x) => ({ ...x, title: titleOf.get(x.key) ?? x.key }))),
      },
      empty: s.total.submitted === 0,
    });
  }

  private serviceView(s: RegionService, members: RegionMember[], locale: string, t: T) {
    const groups = new Map<OfferType, { name: string; url?: string }[]>();
    for (const m of members) {
      const { type, offer } = offerFor(s, m);
      const list = groups.get(type) ?? [];
      list.push({ name: m.name, url: type === 'none' ? undefined : offer?.url });
      groups.set(type, list);
    }
    return {
      key: s.key,
      title: localized(s.title, locale),
      summary: localized(s.summary, locale),
      finderUrl: `/region/zustaendigkeit?service=${encodeURIComponent(s.key)}`,
      groups: (['online', 'link', 'district', 'none'] as const)
        .filter((type) => groups.get(type)?.length)
        .map((type) => ({
          type,
          label: t(`region.offered.${type}`),
          members: groups.get(type),
          linked: type !== 'none',
        })),
    };
  }

  private cell(type: OfferType, t: T) {
    const badge = {
      online: 'kern-badge--success',
      link: 'kern-badge--info',
      district: 'kern-badge--warning',
      none: '',
    }[type];
    return { type, text: t(`region.offer.${type}`), badge };
  }

  private count(locale: string, n: number): string {
    return this.i18n.t(locale, n === 1 ? 'catalog.count.one' : 'catalog.count.other', { count: n });
  }

  private t(locale: string): T {
    return (key, params) => this.i18n.t(locale, key, params);
  }

  private async render(
    region: Tenant,
    locale: string,
    view: string,
    path: string,
    title: string,
    data: Record<string, unknown>,
  ): Promise<RegionPage> {
    const [pathname, query] = path.split('?');
    const base = this.pages.base(region, locale, pathname, title);
    if (query) {
      base.languages = (base.languages as { code: string; url: string }[]).map((l) => ({
        ...l,
        url: `${pathname}?${query}&lang=${l.code}`,
      }));
    }
    const html = this.views.render(
      view,
      { ...base, ...data, regionNav: this.nav(pathname, locale) },
      this.pages.overlay(region),
    );
    return Promise.resolve({ status: 200, html });
  }

  private nav(current: string, locale: string) {
    const t = this.t(locale);
    return [
      ['/region/suche', 'region.nav.search'],
      ['/region/zustaendigkeit', 'region.nav.finder'],
      ['/region/vergleich', 'region.nav.comparison'],
      ['/region/lebenslagen', 'region.nav.lagen'],
      ['/region/statistik', 'region.nav.statistics'],
    ].map(([url, key]) => ({ url, text: t(key), current: current === url || current.startsWith(`${url}/`) }));
  }
}
