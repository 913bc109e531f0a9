import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { CachedPage, I18n, PageCache, ViewEngine } from '@openrathaus/web';
import { PageContext } from './page-context.service';

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
  ) {}

  /** Answers from the cache when the page is there; false when it must be rendered first. */
  serveCached(request: FastifyRequest, reply: FastifyReply, tenant: Tenant | undefined): boolean {
    const page = this.cache.get(this.key(tenant), this.pages.locale(request, reply, tenant), '/');
    if (page) this.send(request, reply, page);
    return page !== undefined;
  }

  /** Answers from the cache, rendering the page into it first when it is not there yet. */
  serve(request: FastifyRequest, reply: FastifyReply, tenant: Tenant | undefined): FastifyReply {
    const locale = this.pages.locale(request, reply, tenant);
    const page = this.cache.get(this.key(tenant), locale, '/') ?? this.render(tenant, locale);
    return this.send(request, reply, page);
  }

  private render(tenant: Tenant | undefined, locale: string): CachedPage {
    // Indentation is only for the template's reader; without it every answer is a fifth smaller.
    const html = (tenant ? this.renderTenantHome(tenant, locale) : this.renderPortalList(locale)).replace(
      /\n\s+/g,
      '\n',
    );
    const page = { html: Buffer.from(html), etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
    this.cache.set(this.key(tenant), locale, '/', page);
    return page;
  }

  private key(tenant: Tenant | undefined): string {
    return tenant ? `${tenant.id}@${tenant.revision}` : 'root';
  }

  private send(request: FastifyRequest, reply: FastifyReply, page: CachedPage): FastifyReply {
    void reply.header('content-type', 'text/html; charset=utf-8').header('etag', page.etag);
    void reply.header('vary', 'Accept-Language, Cookie').header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.send(page.html);
  }

  private renderTenantHome(tenant: Tenant, locale: string): string {
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
      },
      this.pages.overlay(tenant),
    );
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
