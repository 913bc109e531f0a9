import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { I18n, localized } from '@openrathaus/i18n';
import { CachedPage, PageCache, ViewEngine } from '@openrathaus/web';
import { PageContext } from '../http/page-context.service';
import { cachedPage, pageCacheKey, sendPage } from '../http/cached-page';
import { ServicePages } from './service-pages.service';

/**
 * The home pages: a tenant's, the region's member list, the portal list on localhost. They are the
 * same for every anonymous visitor, so they are rendered once per tenant revision and language.
 */
@Injectable()
export class HomePages {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly views: ViewEngine,
    private readonly cache: PageCache,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    private readonly servicePages: ServicePages,
  ) {}

  /** Answers from the cache when the page is there; false when it must be rendered first. */
  serveCached(request: FastifyRequest, reply: FastifyReply, tenant: Tenant | undefined): boolean {
    const page = this.cache.get(this.key(tenant), this.pages.locale(request, reply, tenant), '/');
    if (page) this.send(request, reply, page);
    return page !== undefined;
  }

  /** Answers from the cache, rendering the page into it first when it is not there yet. */
  async serve(request: FastifyRequest, reply: FastifyReply, tenant: Tenant | undefined): Promise<FastifyReply> {
    const locale = this.pages.locale(request, reply, tenant);
    const page = this.cache.get(this.key(tenant), locale, '/') ?? (await this.render(tenant, locale));
    return this.send(request, reply, page);
  }

  private async render(tenant: Tenant | undefined, locale: string): Promise<CachedPage> {
    const page = cachedPage(tenant ? await this.renderTenantHome(tenant, locale) : this.renderPortalList(locale));
    this.cache.set(this.key(tenant), locale, '/', page);
    return page;
  }

  private key(tenant: Tenant | undefined): string {
    return pageCacheKey(tenant);
  }

  private send(request: FastifyRequest, reply: FastifyReply, page: CachedPage): FastifyReply {
    return sendPage(request, reply, page);
  }

  private async renderTenantHome(tenant: Tenant, locale: string): Promise<string> {
    const title = this.i18n.t(locale, 'portal');
    const data = { ...this.pages.base(tenant, locale, '/', title), tenant: { name: tenant.name, slug: tenant.slug } };
    if (tenant.kind === 'region') {
      const members = this.registry
        .membersOf(tenant.slug)
        .filter(isServing)
        .map((m) => this.pages.link(m, locale));
      return this.views.render('region', { ...data, members }, this.pages.overlay(tenant));
    }
    const region = tenant.regionSlug ? this.registry.get(tenant.regionSlug) : undefined;
    const districtSlug = tenant.config.district;
    const district = districtSlug ? this.registry.get(districtSlug) : undefined;
    return this.views.render(
      'home',
      {
        ...data,
        region: region && this.pages.link(region, locale),
        district: district && this.pages.link(district, locale),
        catalog: await this.servicePages.home(tenant, locale),
        // Leichte Sprache opens by itself for those who chose it.
        easyOpen: locale === 'de-x-ls',
        signVideo: this.signVideo(tenant, locale),
      },
      this.pages.overlay(tenant),
    );
  }

  /** The tenant's video in German Sign Language: played in the page when it is a file, else linked. */
  private signVideo(tenant: Tenant, locale: string) {
    const video = tenant.config.accessibility?.signLanguageVideo;
    if (!video) return undefined;
    return {
      url: video.url,
      title: localized(video.title, locale) || this.i18n.t(locale, 'home.signLanguage'),
      playable: /\.(mp4|webm)(\?|$)/i.test(video.url),
    };
  }

  private renderPortalList(locale: string): string {
    const portals = this.registry.all().map((t) => ({
      ...this.pages.link(t, locale),
      name: t.name,
      statusLabel: this.i18n.t(locale, t.configError ? 'status.broken' : `status.${t.status}`),
    }));
    const title = this.i18n.t(locale, 'portals.title');
    return this.views.render('portals', { ...this.pages.base(undefined, locale, '/', title), portals });
  }
}
