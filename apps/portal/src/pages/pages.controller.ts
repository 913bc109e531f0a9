import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, CoreError, CoreErrorCode } from '@openrathaus/core';
import { Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { I18n, PageCache, ViewEngine } from '@openrathaus/web';
import { tenantOf } from '../http/request-state';
import { PageContext } from './page-context.service';

const ASSET = /^[A-Za-z0-9._-]+\.(svg|png|jpg|jpeg|webp)$/;
const TYPES: Record<string, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** The citizen's pages: a tenant's home, the region's member list, the portal list on localhost. */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly views: ViewEngine,
    private readonly cache: PageCache,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('/')
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const tenant = tenantOf(request);
    const locale = this.pages.locale(request, reply, tenant);
    const key = tenant ? `${tenant.id}@${tenant.revision}` : 'root';
    let page = this.cache.get(key, locale, '/');
    if (!page) {
      const html = tenant ? this.renderTenantHome(tenant, locale) : this.renderPortalList(locale);
      page = { html, etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
      this.cache.set(key, locale, '/', page);
    }
    void reply.header('content-type', 'text/html; charset=utf-8').header('etag', page.etag);
    void reply.header('vary', 'Accept-Language, Cookie').header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.send(page.html);
  }

  /** A tenant's pictures (coat of arms, logo) from its folder. */
  @Get('/tenant-assets/:file')
  async asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const tenant = tenantOf(request);
    if (!tenant || !ASSET.test(file)) throw new CoreError(CoreErrorCode.NotFound, { what: 'asset' });
    const path = join(this.config.tenantsDir, tenant.slug, 'assets', file);
    const body = await readFile(path).catch(() => {
      throw new CoreError(CoreErrorCode.NotFound, { what: 'asset' });
    });
    const type = TYPES[file.split('.').pop()?.toLowerCase() ?? ''];
    return reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=3600')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(body);
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
