import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { I18n, localeInfo, localized } from '@openrathaus/i18n';
import { ViewEngine, themeHref } from '@openrathaus/web';
import type { Overlay } from '@openrathaus/web';
import { join } from 'node:path';

const LANG_COOKIE = 'lang';
const LANG = /^[a-zA-Z-]+$/;

interface PersonalPage {
  tenant: Tenant;
  locale: string;
  view: string;
  title: string;
  status?: number;
}

/**
 * Readies a redirect after a form post (303: the browser follows with GET), never cached; the
 * handler returns nothing and Nest sends the answer.
 */
export const redirectAfterPost = (reply: FastifyReply, location: string): undefined => {
  void reply.code(303).header('location', location).header('cache-control', 'no-store');
  return undefined;
};

/** The parts every page shows: site name, emblem, contact, footer links, languages, theme. */
@Injectable()
export class PageContext {
  constructor(
    private readonly i18n: I18n,
    private readonly registry: TenantRegistry,
    private readonly views: ViewEngine,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Renders a page of one person (an account, an application) in the tenant's layout; the handler
   * returns the HTML. Such pages are never kept by a shared cache, nor by the browser's back button.
   */
  personal(request: FastifyRequest, reply: FastifyReply, page: PersonalPage, data: Record<string, unknown>): string {
    const path = request.url.split('?')[0];
    const html = this.views.render(
      page.view,
      { ...this.base(page.tenant, page.locale, path, page.title), ...data },
      this.overlay(page.tenant),
    );
    void reply
      .code(page.status ?? 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store');
    return html;
  }

  /**
   * The locale of the request among those `offered` (the tenant's, or German and English on the
   * platform's own pages); an explicit `?lang=` is remembered in a cookie.
   */
  locale(
    request: FastifyRequest,
    reply: FastifyReply | undefined,
    tenant: Tenant | undefined,
    offered: readonly string[] = tenant?.config.locales?.length ? tenant.config.locales : ['de', 'en'],
  ): string {
    const query = (request.query as Record<string, unknown> | undefined)?.lang;
    const chosen = typeof query === 'string' && offered.includes(query) ? query : undefined;
    if (chosen && reply) {
      void reply.setCookie(LANG_COOKIE, chosen, { path: '/', maxAge: 31536000, sameSite: 'lax' });
    }
    const cookie = request.cookies[LANG_COOKIE];
    const remembered = cookie && LANG.test(cookie) ? cookie : undefined;
    return this.i18n.negotiate(offered, chosen ?? remembered, request.headers['accept-language']);
  }

  overlay(tenant: Tenant): Overlay {
    return { key: `${tenant.slug}@${tenant.revision}`, dir: join(this.config.tenantsDir, tenant.slug) };
  }

  /** The data the layout needs for a tenant's page (or the platform's, without a tenant). */
  base(tenant: Tenant | undefined, locale: string, path: string, title: string): Record<string, unknown> {
    const offered = tenant?.config.locales?.length ? tenant.config.locales : ['de', 'en'];
    const c = tenant?.config;
    const emblem = c?.branding?.coatOfArms ?? c?.branding?.logo;
    return {
      locale,
      htmlLang: localeInfo(locale).htmlLang,
      dir: localeInfo(locale).dir,
      title,
      theme: themeHref(c?.branding),
      // Each language in its own name and its own script, so a reader finds it without reading German.
      languages: offered.map((code) => ({
        code,
        name: localeInfo(code).name,
        lang: localeInfo(code).htmlLang,
        dir: localeInfo(code).dir,
        url: `${path}?lang=${code}`,
        current: code === locale,
      })),
      unreviewed: !this.i18n.reviewed(locale),
      site: {
        name: tenant ? (c?.name ?? tenant.name) : 'OpenRathaus',
        homeUrl: '/',
        // A municipality's portal has accounts and applications; a region's lists its members.
        accountLinks: tenant !== undefined && tenant.kind !== 'region',
        emblemUrl: emblem ? `/tenant-assets/${emblem.slice('assets/'.length)}` : undefined,
        imprintUrl: c?.imprintUrl,
        privacyUrl: c?.privacyUrl,
        accessibilityUrl: tenant ? '/barrierefreiheit' : undefined,
        // BITV 2.0: the home page explains itself in Leichte Sprache, offered wherever the tenant has it.
        easyLanguageUrl: tenant && offered.includes('de-x-ls') && locale !== 'de-x-ls' ? '/?lang=de-x-ls' : undefined,
        address: c?.address,
        contact: c?.contact && {
          phone: c.contact.phone,
          phoneHref: c.contact.phone?.replace(/[^+0-9]/g, ''),
          email: c.contact.email,
          website: c.contact.website,
          hours: localized(c.contact.openingHours, locale),
        },
      },
    };
  }

  /** A tenant as a link target on another tenant's page. */
  link(tenant: Tenant, locale: string) {
    const emblem = tenant.config.branding?.coatOfArms ?? tenant.config.branding?.logo;
    return {
      slug: tenant.slug,
      name: tenant.config.shortName ?? tenant.name,
      url: this.registry.portalUrl(tenant),
      kindLabel: this.i18n.t(locale, `kind.${tenant.kind}`),
      emblemUrl: emblem
        ? `${this.registry.portalUrl(tenant)}tenant-assets/${emblem.slice('assets/'.length)}`
        : undefined,
    };
  }
}
