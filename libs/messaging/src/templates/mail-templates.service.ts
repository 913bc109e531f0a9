import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, projectRoot } from '@openrathaus/core';
import { MessageTemplate, TextTemplates } from '@openrathaus/catalog';
import {
  HelperOptions,
  I18n,
  LocalizedText,
  TemplateDelegate,
  TemplateEnvironment,
  TemplateLoader,
  localeInfo,
  shownLocale,
  trustedHtml,
} from '@openrathaus/i18n';
import { TenantFile, contrastRatio } from '@openrathaus/tenancy';
import { MessagingError, MessagingErrorCode } from '../messaging.error';
import { oneLine, textToHtml } from './mail-html';

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
  subject: TemplateDelegate;
  body: TemplateDelegate;
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
 * Templates come from the {@link TemplateLoader}: one environment for the platform and one per
 * tenant that has a `mail/` folder; a changed file is read again without a restart. Text parts are plain text (no HTML
 * escaping, since no HTML is made from them unescaped); the layout escapes everything it shows.
 * Definition messages are rendered by the catalog's {@link TextTemplates} (money, date, duration,
 * join), so a definition's texts mean the same on a page and in a mail.
 */
@Injectable()
export class MailTemplates {
  private readonly platformDir = join(projectRoot(), 'libs', 'messaging', 'templates');
  private readonly loader: TemplateLoader;
  private readonly texts = new TextTemplates();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    i18n: I18n,
  ) {
    this.loader = new TemplateLoader({
      dirs: [this.platformDir],
      helpers: {
        t(key: string, options: HelperOptions) {
          const root = (options.data as { root?: { locale?: unknown } } | undefined)?.root;
          const locale = typeof root?.locale === 'string' ? root.locale : 'de';
          return i18n.t(locale, key, options.hash as Record<string, unknown>);
        },
        // An answer as one line of text: lists and groups as JSON (mails to offices list every answer).
        value: (value: unknown) => {
          if (typeof value === 'string') return value;
          if (typeof value === 'number' || typeof value === 'boolean') return String(value);
          return value && typeof value === 'object' ? JSON.stringify(value) : '';
        },
      },
      compileOptions: { strict: false },
      reload: true,
    });
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

  private layout(env: TemplateEnvironment, tenant: MailTenant, locale: string, subject: string, text: string): string {
    const template = this.layoutTemplate(env);
    const primary = tenant.config.branding?.primaryColor;
    const primaryColor = primary && HEX.test(primary) ? primary : '#1d4f91';
    return template({
      locale,
      lang: localeInfo(locale).htmlLang,
      dir: localeInfo(locale).dir,
      subject,
      // The only unescaped value: made from the text with every character escaped.
      body: trustedHtml(textToHtml(text)),
      tenant: this.tenantData(tenant),
      primaryColor,
      onPrimary: contrastRatio(primaryColor, '#ffffff') >= 4.5 ? '#ffffff' : '#000000',
    });
  }

  private environmentOf(tenant: MailTenant): TemplateEnvironment {
    return this.loader.environment({ key: tenant.slug, dirs: [join(this.config.tenantsDir, tenant.slug, 'mail')] });
  }

  private compiled(env: TemplateEnvironment, file: string): Compiled | undefined {
    return env.load(file, (source, compile, path) => {
      const match = SUBJECT.exec(source);
      if (!match) throw new MessagingError(MessagingErrorCode.InvalidTemplate, { file: path });
      const options = { noEscape: true, strict: false };
      return { subject: compile(match[1], options), body: compile(match[2], options) };
    });
  }

  private layoutTemplate(env: TemplateEnvironment): TemplateDelegate {
    const template = env.file(LAYOUT);
    if (!template) throw new MessagingError(MessagingErrorCode.UnknownTemplate, { name: 'layout' });
    return template;
  }
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
