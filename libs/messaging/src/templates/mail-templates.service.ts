import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { APP_CONFIG, AppConfig, projectRoot } from '@openrathaus/core';
import { MessageTemplate, TextTemplates, shownLocale } from '@openrathaus/catalog';
import type { LocalizedText } from '@openrathaus/forms';
import { TenantFile, contrastRatio } from '@openrathaus/tenancy';
import { I18n } from '@openrathaus/web';
import { MessagingError, MessagingErrorCode } from '../messaging.error';
import { oneLine, textToHtml } from './mail-html';

type HandlebarsEnv = ReturnType<typeof Handlebars.create>;

/** The tenant a mail is sent for, as far as the mail shows it. */
export interface MailTenant {
  slug: string;
  name: string;
  config: Partial<TenantFile>;
}

/** A mail rendered in one language. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The language it was rendered in (German when the one asked for had no text). */
  locale: string;
}

interface Compiled {
  mtimeMs: number;
  subject: Handlebars.TemplateDelegate;
  body: Handlebars.TemplateDelegate;
}

interface Environment {
  hbs: HandlebarsEnv;
  /** Where templates are looked for, the tenant's folder before the platform's. */
  dirs: string[];
  compiled: Map<string, Compiled>;
  layouts: Map<string, { mtimeMs: number; template: Handlebars.TemplateDelegate }>;
}

export const TEMPLATE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LOCALE = /^[a-z]{2}(-[a-z0-9]{1,8})*$/;
const HEX = /^#[0-9a-fA-F]{6}$/;
const SUBJECT = /^Subject:[ \t]*(.*)\r?\n(?:[ \t]*\r?\n)?([\s\S]*)$/;
const LAYOUT = 'layout.html.hbs';

/**
 * E-mail templates. A system template is `libs/messaging/templates/<name>.<locale>.hbs`: a first
 * line `Subject: …`, a blank line, then the plain-text body. A tenant replaces one by putting a
 * file of the same name in `tenants/<slug>/mail/` (also `layout.html.hbs`). The HTML version is
 * the text, escaped and made into paragraphs, inside the one branded layout.
 *
 * Handlebars: one environment for the platform and one per tenant that has a `mail/` folder,
 * never the global instance; prototype access stays off. Text parts are plain text (no HTML
 * escaping, since no HTML is made from them unescaped); the layout escapes everything it shows.
 * Definition messages are rendered by the catalog's {@link TextTemplates} (money, date, duration,
 * join), so a definition's texts mean the same on a page and in a mail.
 */
@Injectable()
export class MailTemplates {
  private readonly platformDir = join(projectRoot(), 'libs', 'messaging', 'templates');
  private readonly base: Environment;
  private readonly overlays = new Map<string, Environment>();
  private readonly texts = new TextTemplates();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly i18n: I18n,
  ) {
    this.base = this.environment([this.platformDir]);
  }

  /** Whether the platform has the system template (in German, which every template has). */
  exists(name: string): boolean {
    return TEMPLATE_NAME.test(name) && existsSync(join(this.platformDir, `${name}.de.hbs`));
  }

  /** Renders a system template in `locale`, falling back to German; `tenant` is added to the data. */
  renderSystem(tenant: MailTenant, name: string, locale: string, data: Record<string, unknown>): RenderedMail {
    if (!TEMPLATE_NAME.test(name)) throw new MessagingError(MessagingErrorCode.UnknownTemplate, { name });
    const env = this.environmentOf(tenant);
    for (const lang of this.locales(locale)) {
      const compiled = this.compiled(env, `${name}.${lang}.hbs`);
      if (!compiled) continue;
      const values = { ...data, tenant: { ...this.tenantData(tenant), ...asObject(data.tenant) }, locale: lang };
      const subject = oneLine(compiled.subject(values));
      const text = compiled.body(values).trim();
      return { subject, text, html: this.layout(env, tenant, lang, subject, text), locale: lang };
    }
    throw new MessagingError(MessagingErrorCode.UnknownTemplate, { name, locale });
  }

  /** Renders a definition's message with the catalog's renderer, in `locale` or German. */
  renderMessage(
    tenant: MailTenant,
    message: MessageTemplate,
    locale: string,
    data: Record<string, unknown>,
  ): RenderedMail {
    const values = { ...data, tenant: { ...this.tenantData(tenant), ...asObject(data.tenant) } };
    const subject = oneLine(this.texts.render(message.subject, locale, values));
    const text = this.texts.render(message.body, locale, values).trim();
    // The layout's own words follow the language the body was found in.
    const lang = shownLocale(message.body, locale);
    return { subject, text, html: this.layout(this.environmentOf(tenant), tenant, lang, subject, text), locale: lang };
  }

  /** A definition's text filled in by the catalog's renderer (plain text), in `locale` or German. */
  fill(text: LocalizedText, locale: string, data: Record<string, unknown>): string {
    return this.texts.render(text, locale, data);
  }

  private locales(locale: string): string[] {
    return LOCALE.test(locale) && locale !== 'de' ? [locale, 'de'] : ['de'];
  }

  private tenantData(tenant: MailTenant): Record<string, unknown> {
    const c = tenant.config;
    return {
      slug: tenant.slug,
      name: c.name ?? tenant.name,
      shortName: c.shortName,
      contact: c.contact,
      address: c.address,
      imprintUrl: c.imprintUrl,
      privacyUrl: c.privacyUrl,
    };
  }

  private layout(env: Environment, tenant: MailTenant, locale: string, subject: string, text: string): string {
    const template = this.layoutTemplate(env);
    const primary = tenant.config.branding?.primaryColor;
    const primaryColor = primary && HEX.test(primary) ? primary : '#1d4f91';
    return template({
      locale,
      lang: locale === 'de-x-ls' ? 'de' : locale,
      subject,
      // The only unescaped value: made from the text with every character escaped.
      body: new Handlebars.SafeString(textToHtml(text)),
      tenant: this.tenantData(tenant),
      primaryColor,
      onPrimary: contrastRatio(primaryColor, '#ffffff') >= 4.5 ? '#ffffff' : '#000000',
    });
  }

  private environmentOf(tenant: MailTenant): Environment {
    const dir = join(this.config.tenantsDir, tenant.slug, 'mail');
    if (!existsSync(dir)) return this.base;
    let env = this.overlays.get(tenant.slug);
    if (!env) {
      env = this.environment([dir, this.platformDir]);
      this.overlays.set(tenant.slug, env);
    }
    return env;
  }

  private environment(dirs: string[]): Environment {
    const hbs = Handlebars.create();
    const i18n = this.i18n;
    hbs.registerHelper('t', function t(key: string, options: Handlebars.HelperOptions) {
      const root = (options.data as { root?: { locale?: unknown } } | undefined)?.root;
      const locale = typeof root?.locale === 'string' ? root.locale : 'de';
      return i18n.t(locale, key, options.hash as Record<string, unknown>);
    });
    // An answer as one line of text: lists and groups as JSON (mails to offices list every answer).
    hbs.registerHelper('value', (value: unknown) => {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return value && typeof value === 'object' ? JSON.stringify(value) : '';
    });
    return { hbs, dirs, compiled: new Map(), layouts: new Map() };
  }

  /** The file found first along the environment's folders; undefined when none has it. */
  private find(env: Environment, file: string): { path: string; mtimeMs: number } | undefined {
    for (const dir of env.dirs) {
      const path = join(dir, file);
      try {
        return { path, mtimeMs: statSync(path).mtimeMs };
      } catch {
        // not in this folder
      }
    }
    return undefined;
  }

  private compiled(env: Environment, file: string): Compiled | undefined {
    const found = this.find(env, file);
    if (!found) return undefined;
    const cached = env.compiled.get(found.path);
    // Keyed by path and modification time: a changed file is read again, without a restart.
    if (cached && cached.mtimeMs === found.mtimeMs) return cached;
    const match = SUBJECT.exec(readFileSync(found.path, 'utf8'));
    if (!match) throw new MessagingError(MessagingErrorCode.InvalidTemplate, { file: found.path });
    const options = { noEscape: true, strict: false };
    const compiled = {
      mtimeMs: found.mtimeMs,
      subject: env.hbs.compile(match[1], options),
      body: env.hbs.compile(match[2], options),
    };
    env.compiled.set(found.path, compiled);
    return compiled;
  }

  private layoutTemplate(env: Environment): Handlebars.TemplateDelegate {
    const found = this.find(env, LAYOUT);
    if (!found) throw new MessagingError(MessagingErrorCode.UnknownTemplate, { name: 'layout' });
    const cached = env.layouts.get(found.path);
    if (cached && cached.mtimeMs === found.mtimeMs) return cached.template;
    const template = env.hbs.compile(readFileSync(found.path, 'utf8'), { strict: false });
    env.layouts.set(found.path, { mtimeMs: found.mtimeMs, template });
    return template;
  }
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
