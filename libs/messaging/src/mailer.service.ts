import { Injectable } from '@nestjs/common';
import { FieldFault, isUuid } from '@openrathaus/core';
import type { MessageTemplate } from '@openrathaus/catalog';
import type { Period, TenantScope } from '@openrathaus/database';
import { Outbox } from '@openrathaus/jobs';
import { MailAttachment } from './mail.entity';
import { MailsRepository } from './mails.repository';
import { MessagingError, MessagingErrorCode } from './messaging.error';
import { MailTemplates, TEMPLATE_NAME } from './templates/mail-templates.service';

export const MAIL_QUEUE = 'mail';
export const MAIL_SEND_JOB = 'mail.send';

/** What {@link Mailer.queue} sends: a system template or a definition's message, never both. */
export interface MailRequest {
  to: string;
  /** The recipient's language; German when the template has no text in it. */
  locale: string;
  /** Name of a system template (`account-verify`, `application-submitted`, …). */
  template?: string;
  /** A message of a process definition (`messages.bestaetigung`). */
  message?: MessageTemplate;
  /** What the template is filled with: JSON only (it is stored and rendered by the worker). */
  data?: Record<string, unknown>;
  applicationId?: string;
  /** Files from the file storage; each key must lie below the tenant's folder (`<tenantId>/…`). */
  attachments?: MailAttachment[];
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const LOCALE = /^[a-z]{2}(-[a-z0-9]{1,8})*$/;

/**
 * Queues e-mail. The mail row and the outbox entry that has it sent are written in the caller's
 * transaction: a change that rolls back sends nothing, one that commits is sent even when the
 * queue was away at the time. The worker renders and sends it ({@link MailSendHandler}).
 */
@Injectable()
export class Mailer {
  constructor(
    private readonly outbox: Outbox,
    private readonly templates: MailTemplates,
    private readonly mails: MailsRepository,
  ) {}

  /**
   * Retention: removes the personal data the application's mails keep (address, template data,
   * attachments); a mail not yet sent never will be. In the caller's transaction; returns how many changed.
   */
  /** Per tenant, the mails sent in a period: the operator's usage. */
  usage(period: Period): Promise<{ tenantId: string; mails: number }[]> {
    return this.mails.usage(period);
  }

  forget(scope: TenantScope, applicationId: string): Promise<number> {
    return isUuid(applicationId) ? this.mails.forget(scope, applicationId) : Promise.resolve(0);
  }

  /** Writes the mail and its job in the scope's transaction; returns the mail's id. */
  async queue(scope: TenantScope, request: MailRequest): Promise<string> {
    this.check(scope, request);
    const mail = await this.mails.add(scope, {
      applicationId: request.applicationId ?? null,
      toAddress: request.to.trim(),
      locale: request.locale,
      template: request.template ?? null,
      subjectSource: request.message?.subject ?? null,
      bodySource: request.message?.body ?? null,
      // Stored as JSON: whatever does not survive that (functions, class instances) is not sent.
      data: JSON.parse(JSON.stringify(request.data ?? {})) as Record<string, unknown>,
      attachments: (request.attachments ?? []).map((a) => ({
        storageKey: a.storageKey,
        filename: a.filename,
        contentType: a.contentType,
      })),
    });
    await this.outbox.add(scope, MAIL_QUEUE, MAIL_SEND_JOB, { mailId: mail.id });
    return mail.id;
  }

  private check(scope: TenantScope, request: MailRequest): void {
    const fields: FieldFault[] = [];
    if (typeof request.to !== 'string' || request.to.length > 254 || !ADDRESS.test(request.to.trim())) {
      fields.push({ field: 'to', key: 'mail_address' });
    }
    if (typeof request.locale !== 'string' || !LOCALE.test(request.locale)) {
      fields.push({ field: 'locale', key: 'mail_locale' });
    }
    if (!request.template === !request.message || (request.message && !request.message.subject?.de)) {
      fields.push({ field: 'template', key: 'mail_content' });
    }
    if (request.applicationId !== undefined && !isUuid(request.applicationId)) {
      fields.push({ field: 'applicationId', key: 'invalid' });
    }
    (request.attachments ?? []).forEach((a, i) => {
      // A mail may carry only this tenant's files, never another's by a key it was handed.
      if (!a.storageKey?.startsWith(`${scope.tenantId}/`) || !a.filename || !a.contentType) {
        fields.push({ field: `attachments.${i}`, key: 'mail_attachment' });
      }
    });
    if (fields.length) throw new MessagingError(MessagingErrorCode.InvalidInput, {}, fields);
    if (request.template && (!TEMPLATE_NAME.test(request.template) || !this.templates.exists(request.template))) {
      throw new MessagingError(MessagingErrorCode.UnknownTemplate, { name: request.template });
    }
  }
}
