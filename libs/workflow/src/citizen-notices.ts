import { Injectable } from '@nestjs/common';
import type { ApplicationEntity } from '@openrathaus/applications';
import { ProcessDefinition, formatMoney } from '@openrathaus/catalog';
import type { TenantScope } from '@openrathaus/database';
import { I18n, LocalizedText, intlLocale, isolateLtr } from '@openrathaus/i18n';
import { Mailbox, Mailer, inertData, inertText } from '@openrathaus/messaging';
import type { Tenant } from '@openrathaus/tenancy';
import { ApplicationProgress } from './application-progress.service';
import { applicantAddress, applicantName } from './applicant';

/** What the workflow tells a citizen about outside the definition's own steps. */
export type NoticeEvent =
  'approved' | 'rejected' | 'needs_info' | 'withdrawn' | 'reminder' | 'closed' | 'payment_request';

/**
 * The definition's message that replaces the platform's text of an event, where it has one
 * (`messages.approved` …). Its data has `decision.message` (the caseworker's text) and
 * `decision.dispatchDate`, beside what a notify step's message has.
 */
export const DEFINITION_MESSAGES: Partial<Record<NoticeEvent, string>> = {
  approved: 'approved',
  rejected: 'rejected',
  needs_info: 'needsInfo',
};

/** One notice: its event, the caseworker's text, and what the platform's texts are filled with. */
export interface Notice {
  event: NoticeEvent;
  /** A caseworker's text: shown as written, after the platform's text (never a template). */
  note?: string;
  /** `YYYY-MM-DD`: a certificate sent by post on that day. */
  dispatchDate?: string;
  /** `YYYY-MM-DD`: the day an unanswered request closes. */
  closesOn?: string;
  amountCents?: number;
  /** The fee paid that goes back. */
  refundCents?: number;
}

/** The verified address of the applicant, read before the transaction (see `CitizenAccounts`). */
export type Recipient = { email: string } | undefined;

/**
 * Tells the applicant of a decision, a withdrawal, a reminder or a payment due: an e-mail to the
 * account's confirmed address (or, without one, the failure in the application's history) and a
 * message in the mailbox, in the application's language. The definition's own message for the
 * event is used where it has one, else the platform's text; both in the caller's transaction.
 */
@Injectable()
export class CitizenNotices {
  constructor(
    private readonly mailer: Mailer,
    private readonly mailbox: Mailbox,
    private readonly i18n: I18n,
    private readonly progress: ApplicationProgress,
  ) {}

  async send(
    scope: TenantScope,
    tenant: Tenant,
    application: ApplicationEntity,
    definition: ProcessDefinition,
    recipient: Recipient,
    notice: Notice,
  ): Promise<void> {
    const link = `${this.progress.baseUrl(tenant)}/antraege/${application.id}`;
    const key = DEFINITION_MESSAGES[notice.event];
    const own = key ? definition.messages?.[key] : undefined;
    const data = {
      tenant: { name: tenant.name, slug: tenant.slug },
      application: { number: application.number, id: application.id, link },
      applicant: {
        name: applicantName(definition, application.answers),
        address: applicantAddress(definition, application.answers) ?? null,
      },
      answers: application.answers,
      params: application.parameters,
      fee: application.feeCents ?? 0,
      // A definition's approval may print the day a certificate went by post: today unless the caseworker said.
      decision: {
        message: notice.note ?? '',
        dispatchDate: notice.dispatchDate ?? (notice.event === 'approved' ? berlinToday() : null),
      },
    };
    const mailData = { ...data, answers: inertData(data.answers), applicant: inertData(data.applicant) };
    const texts = own ? undefined : this.texts(application, definition, notice, link);
    if (recipient) {
      const locale = application.locale;
      await this.mailer.queue(scope, {
        to: recipient.email,
        locale,
        ...(own
          ? { message: own, data: mailData }
          : {
              template: 'application-notice',
              data: {
                subject: pick(texts!.subject, locale),
                text: pick(texts!.body, locale),
                name: inertText(data.applicant.name),
                link,
              },
            }),
        applicationId: application.id,
      });
    } else await this.progress.withheld(scope, application, `application-${notice.event}`);
    if (application.citizenId) {
      await this.mailbox.post(scope, {
        applicationId: application.id,
        citizenId: application.citizenId,
        ...(own ? { subject: own.subject, body: own.body, data } : { subject: texts!.subject, body: texts!.body }),
        sender: notice.note && ['rejected', 'needs_info', 'approved'].includes(notice.event) ? 'staff' : 'system',
      });
    }
  }

  /** The platform's subject and body of a notice, in every language it has texts in. */
  private texts(
    application: ApplicationEntity,
    definition: ProcessDefinition,
    notice: Notice,
    link: string,
  ): { subject: LocalizedText; body: LocalizedText } {
    const subject: Record<string, string> = {};
    const body: Record<string, string> = {};
    for (const locale of this.i18n.locales()) {
      const params = {
        number: application.number ?? '',
        service: definition.title[locale as 'de'] ?? definition.title.de,
        date: notice.closesOn ? formatDate(notice.closesOn, locale) : '',
        amount: formatMoney(notice.amountCents ?? application.feeCents ?? 0, locale),
        link,
      };
      const t = (key: string, extra: Record<string, unknown> = {}) =>
        this.i18n.t(locale, `workflow.mailbox.${key}`, { ...params, ...extra });
      const parts = [t(`${notice.event}.body`)];
      if (notice.note) parts.push(notice.note);
      if (notice.dispatchDate) parts.push(t('approved.dispatch', { date: formatDate(notice.dispatchDate, locale) }));
      if (notice.refundCents) parts.push(t('refund.body', { amount: formatMoney(notice.refundCents, locale) }));
      subject[locale] = t(`${notice.event}.subject`);
      body[locale] = parts.filter(Boolean).join('\n\n');
    }
    return { subject: subject as unknown as LocalizedText, body: body as unknown as LocalizedText };
  }
}

/** Today in Germany, `YYYY-MM-DD`. */
export const berlinToday = (now = new Date()): string => now.toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });

const pick = (text: LocalizedText, locale: string): string => text[locale as 'de'] ?? text.de;

/** A calendar day as the language writes it (`17. Mai 2026`, `17 May 2026`). */
export function formatDate(day: string, locale: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  return isolateLtr(
    date.toLocaleDateString(intlLocale(locale), { dateStyle: 'long', timeZone: 'Europe/Berlin' }),
    locale,
  );
}
