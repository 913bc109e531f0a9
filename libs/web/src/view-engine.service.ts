import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { HelperOptions, I18n, TemplateLoader } from '@openrathaus/i18n';
import { StaticAssets, platformAssets } from './static-assets';

/** A tenant's template overlay: partials and pages in its folder replace the platform's. */
export interface Overlay {
  key: string;
  dir: string;
}

/** Data of a page; `locale` (set by every page's base data) picks the language of `{{t}}`. */
export type ViewData = Record<string, unknown>;

/** The web lib's own templates: `pages/`, `layouts/` and `partials/`. */
export const WEB_TEMPLATES = join(projectRoot(), 'libs', 'web', 'templates');

/**
 * Pages from Handlebars templates through the {@link TemplateLoader}: one environment for the
 * platform and one per tenant overlay, compiled templates cached per environment. Libs that
 * render parts of pages register their partials ({@link WebModule.forFeature}).
 */
@Injectable()
export class ViewEngine {
  private readonly loader: TemplateLoader;

  constructor(i18n: I18n, assets: StaticAssets = platformAssets()) {
    this.loader = new TemplateLoader({
      dirs: [join(WEB_TEMPLATES, 'pages'), join(WEB_TEMPLATES, 'layouts')],
      partialDirs: [join(WEB_TEMPLATES, 'partials')],
      helpers: {
        t(this: unknown, key: string, options: HelperOptions) {
          const root = (options.data as { root?: ViewData } | undefined)?.root;
          const locale = typeof root?.locale === 'string' ? root.locale : 'de';
          return i18n.t(locale, key, options.hash as Record<string, unknown>);
        },
        eq: (a: unknown, b: unknown) => a === b,
        /** `{{asset "/assets/app.css"}}`: the asset's fingerprinted URL. */
        asset: (path: string) => assets.url(path),
      },
      compileOptions: { strict: false },
    });
  }

  /** Adds a lib's folder of partials (`<name>.hbs`) to every environment. */
  registerPartials(dir: string): void {
    this.loader.addPartials(dir);
  }

  /**
   * Whether a tenant's pages come from the platform's templates alone (it has no template folder of
   * its own): then parts of its pages are the same as other tenants' and can be rendered once.
   */
  platformOnly(overlay?: Overlay): boolean {
    return this.environment(overlay) === this.loader.environment();
  }

  /** Renders one of the platform's partials on its own: a part that many tenants' pages share. */
  partial(name: string, data: ViewData): string {
    return this.loader.environment().compile(`{{> ${name}}}`)(data);
  }

  /** Renders a page inside the base layout. */
  render(page: string, data: ViewData, overlay?: Overlay): string {
    const env = this.environment(overlay);
    const body = env.required(`${page}.hbs`)(data);
    return env.required('layout.hbs')({ ...data, body });
  }

  private environment(overlay?: Overlay) {
    return this.loader.environment(
      overlay && {
        key: overlay.key,
        dirs: [join(overlay.dir, 'templates', 'pages')],
        partialDirs: [join(overlay.dir, 'templates', 'partials')],
      },
    );
  }

  /** Forgets a tenant's compiled overlay, after its templates or configuration changed. */
  dropOverlay(key: string): void {
    this.loader.drop(key);
  }
}
