import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { I18n } from '@openrathaus/i18n';
import type { OperatorSession } from '@openrathaus/operations';
import { ViewEngine } from '@openrathaus/web';
import { PageContext } from '../http/page-context.service';

/** One entry of the console's navigation. */
export interface OperatorNavItem {
  key: string;
  href: string;
  /** i18n key of its label. */
  label: string;
}

/**
 * The console's navigation, in order. Features add their entries here (tenants, onboarding,
 * queues, health, usage, support): one list, so that every page shows the same menu.
 */
export const OPERATOR_NAV: OperatorNavItem[] = [
  { key: 'tenants', href: '/konsole', label: 'operator.nav.tenants' },
  { key: 'onboarding', href: '/konsole/mandanten/neu', label: 'operator.nav.onboarding' },
  { key: 'queues', href: '/konsole/warteschlangen', label: 'operator.nav.queues' },
  { key: 'health', href: '/konsole/instanzen', label: 'operator.nav.health' },
  { key: 'usage', href: '/konsole/nutzung', label: 'operator.nav.usage' },
  { key: 'support', href: '/konsole/support', label: 'operator.nav.support' },
];

/** What a console page needs of the request. */
export interface OperatorPage {
  locale: string;
  t: (key: string, params?: Record<string, unknown>) => string;
}

/**
 * Renders the console's pages in the platform's look (no tenant), with the console's navigation,
 * as personal pages: never cached.
 */
@Injectable()
export class OperatorPages {
  constructor(
    private readonly pages: PageContext,
    private readonly views: ViewEngine,
    private readonly i18n: I18n,
  ) {}

  page(request: FastifyRequest, reply: FastifyReply): OperatorPage {
    const locale = this.pages.locale(request, reply, undefined);
    return { locale, t: (key, params) => this.i18n.t(locale, key, params) };
  }

  /**
   * Renders `view` with the layout's data; `current` marks the navigation's entry, `session`
   * (when logged in) shows the navigation at all.
   */
  render(
    request: FastifyRequest,
    reply: FastifyReply,
    view: string,
    options: { title: string; session?: OperatorSession; current?: string; status?: number },
    data: Record<string, unknown> = {},
  ): string {
    const { locale, t } = this.page(request, reply);
    const path = request.url.split('?')[0];
    const base = this.pages.base(undefined, locale, path, options.title);
    const site = { ...(base.site as Record<string, unknown>), name: t('operator.title'), homeUrl: '/konsole' };
    const operatorNav = options.session && {
      csrf: options.session.csrfToken,
      current: options.current,
      items: OPERATOR_NAV.map((item) => ({ ...item, label: t(item.label) })),
    };
    const html = this.views.render(view, { ...base, site, operatorNav, ...data });
    void reply
      .code(options.status ?? 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store');
    return html;
  }
}
