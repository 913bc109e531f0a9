import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { projectRoot } from '@openrathaus/core';
import { I18n } from './i18n.service';

type HandlebarsEnv = ReturnType<typeof Handlebars.create>;

interface Environment {
  hbs: HandlebarsEnv;
  pagesDirs: string[];
  compiled: Map<string, Handlebars.TemplateDelegate>;
}

/** A tenant's template overlay: partials and pages in its folder replace the platform's. */
export interface Overlay {
  key: string;
  dir: string;
}

/** Data of a page; `locale` (set by every page's base data) picks the language of `{{t}}`. */
export type ViewData = Record<string, unknown>;

const readTemplates = (dir: string): [string, string][] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => [f.slice(0, -4), readFileSync(join(dir, f), 'utf8')])
    : [];

/**
 * Handlebars with one environment for the platform and one per tenant overlay (never the global
 * instance), compiled templates cached per environment, prototype access left off.
 */
@Injectable()
export class ViewEngine {
  private readonly root = join(projectRoot(), 'libs', 'web', 'templates');
  private readonly base: Environment;
  private readonly overlays = new Map<string, Environment>();

  constructor(private readonly i18n: I18n) {
    this.base = this.environment([join(this.root, 'pages')], []);
  }

  /** Renders a page inside the base layout. */
  render(page: string, data: ViewData, overlay?: Overlay): string {
    const env = overlay ? this.overlay(overlay) : this.base;
    const body = this.template(env, page)(data);
    return this.template(env, 'layout')({ ...data, body });
  }

  /** Forgets a tenant's compiled overlay, after its templates or configuration changed. */
  dropOverlay(key: string): void {
    this.overlays.delete(key);
  }

  private overlay(overlay: Overlay): Environment {
    let env = this.overlays.get(overlay.key);
    if (!env) {
      const partialsDir = join(overlay.dir, 'templates', 'partials');
      const pagesDir = join(overlay.dir, 'templates', 'pages');
      env =
        existsSync(partialsDir) || existsSync(pagesDir)
          ? this.environment([pagesDir, join(this.root, 'pages')], readTemplates(partialsDir))
          : this.base;
      this.overlays.set(overlay.key, env);
    }
    return env;
  }

  private environment(pagesDirs: string[], overrides: [string, string][]): Environment {
    const hbs = Handlebars.create();
    const i18n = this.i18n;
    hbs.registerHelper('t', function t(this: unknown, key: string, options: Handlebars.HelperOptions) {
      const data = options.data as { root?: ViewData } | undefined;
      const root = data?.root;
      const locale = typeof root?.locale === 'string' ? root.locale : 'de';
      return i18n.t(locale, key, options.hash as Record<string, unknown>);
    });
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    for (const [name, text] of [...readTemplates(join(this.root, 'partials')), ...overrides]) {
      hbs.registerPartial(name, text);
    }
    return { hbs, pagesDirs: [...pagesDirs, join(this.root, 'layouts')], compiled: new Map() };
  }

  private template(env: Environment, name: string): Handlebars.TemplateDelegate {
    let template = env.compiled.get(name);
    if (!template) {
      const dir = env.pagesDirs.find((d) => existsSync(join(d, `${name}.hbs`)));
      if (!dir) throw new Error(`template not found: ${name}`);
      template = env.hbs.compile(readFileSync(join(dir, `${name}.hbs`), 'utf8'), { strict: false });
      env.compiled.set(name, template);
    }
    return template;
  }
}
