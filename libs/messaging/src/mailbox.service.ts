import { Injectable } from '@nestjs/common';
import { FieldFault, isUuid } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { LOCALES, LocalizedText, localeInfo, localized, shownLocale } from '@openrathaus/i18n';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { MailboxMessageEntity, MailboxSender } from './mailbox-message.entity';
import { MailboxMessagesRepository } from './mailbox-messages.repository';
import { MessagingError, MessagingErrorCode } from './messaging.error';
import { oneLine } from './templates/mail-html';
import { MailTemplates } from './templates/mail-templates.service';

/** A message to put into a citizen's mailbox. */
export interface MailboxPost {
  citizenId: string;
  applicationId?: string | null;
  /** One text (German) or one per language. */
  subject: string | LocalizedText;
  /** Plain text: one (German) or one per language. */
  body: string | LocalizedText;
  /**
   * When given, subject and body are a definition's message (`messages:`), filled in with this
   * data by the catalog's renderer; without it they are taken as written (a caseworker's text is
   * never a template).
   */
  data?: Record<string, unknown>;
  /** `system` unless a caseworker (`staff`) or the citizen (`citizen`) wrote it. */
  sender?: MailboxSender;
}

export interface MailboxListOptions {
  applicationId?: string;
  /** At most this many, newest first (default and ceiling 200). */
  limit?: number;
}

/** A mailbox message in one language, for a page or the API. */
export interface MailboxView {
  id: string;
  tenantId: string;
  applicationId: string | null;
  subject: string;
  body: string;
  /**
   * Set when subject and body are not in the language asked for but in German (a definition or
   * a caseworker without that language): a page marks them so.
   */
  fallback?: { lang: string; dir: 'ltr' | 'rtl' };
  sender: MailboxSender;
  readAt: Date | null;
  createdAt: Date;
}

const MAX_LIST = 200;
const SENDERS: readonly MailboxSender[] = ['system', 'staff', 'citizen'];

/** Keeps the languages a text has; a plain string is German. Undefined without a German text. */
const texts = (value: unknown, max: number): LocalizedText | undefined => {
  const source: Record<string, unknown> =
    typeof value === 'string'
      ? { de: value }
      : value && typeof value === 'object'
        ? (value as Record<string, unknown>)
        : {};
  const out: Record<string, string> = {};
  for (const locale of LOCALES) {
    const text = source[locale];
    if (typeof text === 'string' && text.trim() && text.length <= max) out[locale] = text.trim();
  }
  return out.de ? (out as unknown as LocalizedText) : undefined;
};

/**
 * The citizen's mailbox (Postfach). A message belongs to the municipality that sent it (its rows
 * are that tenant's, under row-level security); the citizen's account belongs to the realm (the
 * region for its members). So a regional mailbox is read tenant by tenant, each in a transaction
 * of its own, and merged: no policy reaches across tenants, and no tenant outside the realm is
 * read.
 */
@Injectable()
export class Mailbox {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly registry: TenantRegistry,
    private readonly templates: MailTemplates,
    private readonly messages: MailboxMessagesRepository,
  ) {}

  /** Puts a message into the mailbox, in the caller's transaction (with the change it reports). */
  post(scope: TenantScope, post: MailboxPost): Promise<MailboxMessageEntity> {
    const fields: FieldFault[] = [];
    let subject = texts(post.subject, 300);
    let body = texts(post.body, 20_000);
    if (!isUuid(post.citizenId)) fields.push({ field: 'citizenId', key: 'invalid' });
    if (post.applicationId != null && !isUuid(post.applicationId)) {
      fields.push({ field: 'applicationId', key: 'invalid' });
    }
    if (!subject) fields.push({ field: 'subject', key: 'mailbox_text' });
    if (!body) fields.push({ field: 'body', key: 'mailbox_text' });
    if (post.sender !== undefined && !SENDERS.includes(post.sender)) {
      fields.push({ field: 'sender', key: 'invalid' });
    }
    if (fields.length || !subject || !body) {
      return Promise.reject(new MessagingError(MessagingErrorCode.InvalidInput, {}, fields));
    }
    if (post.data) {
      // Filled in once, now: the message says what was true when it was sent.
      subject = this.fill(subject, post.data, true);
      body = this.fill(body, post.data, false);
    }
    return this.messages.add(scope, {
      citizenId: post.citizenId,
      applicationId: post.applicationId ?? null,
      subject,
      body,
      sender: post.sender ?? 'system',
    });
  }

  /**
   * A citizen's messages in one tenant or several (newest first, merged); each carries its
   * `tenantId`, which {@link markRead} needs.
   */
  async list(
    tenantIds: string | readonly string[],
    citizenId: string,
    options: MailboxListOptions = {},
  ): Promise<MailboxMessageEntity[]> {
    if (!isUuid(citizenId)) return [];
    if (options.applicationId !== undefined && !isUuid(options.applicationId)) return [];
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? MAX_LIST), 1), MAX_LIST);
    const all: MailboxMessageEntity[] = [];
    for (const tenantId of unique(tenantIds)) {
      const rows = await this.transactions.run(tenantId, (scope) =>
        this.messages.ofCitizen(scope, citizenId, options.applicationId, limit),
      );
      all.push(...rows);
    }
    return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
  }

  /** The citizen's messages about one application of `tenant`, in `locale`. */
  async forApplication(
    tenant: Tenant,
    citizenId: string,
    applicationId: string,
    locale: string,
  ): Promise<MailboxView[]> {
    return (await this.list(tenant.id, citizenId, { applicationId })).map((m) => view(m, locale));
  }

  /** The citizen's messages from every tenant of the realm `tenant` belongs to, in `locale`. */
  async forCitizen(
    tenant: Tenant,
    citizenId: string,
    locale: string,
    options: MailboxListOptions = {},
  ): Promise<MailboxView[]> {
    return (await this.list(this.realmTenantIds(tenant), citizenId, options)).map((m) => view(m, locale));
  }

  /** How many of the citizen's messages in these tenants are unread. */
  async unread(tenantIds: string | readonly string[], citizenId: string): Promise<number> {
    if (!isUuid(citizenId)) return 0;
    let total = 0;
    for (const tenantId of unique(tenantIds)) {
      total += await this.transactions.run(tenantId, (scope) => this.messages.countUnread(scope, citizenId));
    }
    return total;
  }

  /**
   * Retention: deletes the application's messages in the citizen's mailbox (what the office and the
   * citizen wrote about it), in the caller's transaction. Returns how many.
   */
  forget(scope: TenantScope, applicationId: string): Promise<number> {
    return isUuid(applicationId) ? this.messages.deleteOfApplication(scope, applicationId) : Promise.resolve(0);
  }

  /** Marks one of the citizen's messages read (the first time counts); false when it has none such. */
  markRead(scope: TenantScope, citizenId: string, messageId: string): Promise<boolean> {
    if (!isUuid(citizenId) || !isUuid(messageId)) return Promise.resolve(false);
    return this.messages.markRead(scope, citizenId, messageId);
  }

  /**
   * The tenants of the realm `tenant` belongs to: the region and its members, or the tenant
   * alone outside a region.
   */
  realmTenantIds(tenant: Tenant): string[] {
    const regionSlug = tenant.kind === 'region' ? tenant.slug : tenant.regionSlug;
    const region = regionSlug ? this.registry.get(regionSlug) : undefined;
    if (!region || !regionSlug) return [tenant.id];
    return [...new Set([region.id, ...this.registry.membersOf(regionSlug).map((t) => t.id), tenant.id])];
  }

  private fill(text: LocalizedText, data: Record<string, unknown>, subject: boolean): LocalizedText {
    const out: Record<string, string> = {};
    for (const [locale, source] of Object.entries<string>(text as Record<string, string>)) {
      // The text under its own language, so that money and dates are written the way of that language.
      const filled = this.templates.fill({ de: source, [locale]: source }, locale, data).trim();
      out[locale] = subject ? oneLine(filled) : filled;
    }
    return out as unknown as LocalizedText;
  }
}

const unique = (tenantIds: string | readonly string[]): string[] =>
  typeof tenantIds === 'string' ? [tenantIds] : [...new Set(tenantIds)];

const fallbackOf = (text: LocalizedText, locale: string): MailboxView['fallback'] => {
  const shown = localeInfo(shownLocale(text, locale));
  return shown.htmlLang === localeInfo(locale).htmlLang ? undefined : { lang: shown.htmlLang, dir: shown.dir };
};

const view = (m: MailboxMessageEntity, locale: string): MailboxView => ({
  id: m.id,
  tenantId: m.tenantId,
  applicationId: m.applicationId,
  subject: localized(m.subject, locale),
  body: localized(m.body, locale),
  fallback: fallbackOf(m.body, locale),
  sender: m.sender,
  readAt: m.readAt,
  createdAt: m.createdAt,
});
