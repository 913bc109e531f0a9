import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, FILE_STORAGE, FileStorage, isUuid } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { HandlesJob, JobHandler, JobPayload } from '@openrathaus/jobs';
import { TenantsRepository } from '@openrathaus/tenancy';
import { MailEntity } from './mail.entity';
import { MAIL_QUEUE, MAIL_SEND_JOB } from './mailer.service';
import { MailsRepository } from './mails.repository';
import { MessagingError, MessagingErrorCode } from './messaging.error';
import { MailTenant, MailTemplates, RenderedMail } from './templates/mail-templates.service';
import { MAIL_TRANSPORT, MailTransport, OutgoingAttachment } from './transport/mail-transport.strategy';

/** How long a run may take to send a mail before a retried run may take it over. */
const CLAIM_SECONDS = 60;

/** What a run of the job did. */
export type MailSendOutcome = 'sent' | 'already_sent' | 'gone';

/**
 * Sends one queued mail. The job may run more than once (at-least-once); the mail goes out once:
 * a run takes the row (status `sending` for a minute) before it sends, a run that finds it taken
 * tries again later, one that finds it `sent` does nothing, and it is marked sent only where it
 * is not yet. What remains is the moment between the SMTP server's acceptance
 * and the commit of the mark: if the process dies there, the next run sends again (with the same
 * Message-ID, so that mail systems can drop the copy).
 *
 * A failure is recorded on the row (status `failed`, attempts, error) and thrown again, so that
 * the queue retries the job with backoff.
 */
@Injectable()
@HandlesJob(MAIL_QUEUE, MAIL_SEND_JOB)
export class MailSendHandler implements JobHandler {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly templates: MailTemplates,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
    private readonly mails: MailsRepository,
  ) {}

  async handle(payload: JobPayload): Promise<MailSendOutcome> {
    const mailId = payload.mailId;
    if (!isUuid(mailId)) throw new MessagingError(MessagingErrorCode.InvalidInput, { mailId });
    // Taken for a while in a short transaction of its own: no transaction stays open while the
    // SMTP server is talked to (the embedded database has one session, which a captured mail needs).
    const taken = await this.transactions.run(payload.tenantId, async (scope) => {
      const ours = await this.mails.claim(scope, mailId, CLAIM_SECONDS);
      const mail = await this.mails.byId(scope, mailId);
      const tenant = ours ? await this.tenantOf(scope) : undefined;
      return { mail, tenant, ours };
    });
    if (!taken.mail) return 'gone';
    if (taken.mail.status === 'sent') return 'already_sent';
    // Another run is sending it right now: try again later, when it is sent or its claim has run out.
    if (!taken.ours || !taken.tenant) throw new MessagingError(MessagingErrorCode.Busy, { mailId });
    const mail = taken.mail;
    try {
      const messageId = await this.send(taken.tenant, payload.tenantId, mail);
      await this.transactions.run(payload.tenantId, (scope) => this.mails.markSent(scope, mail.id, messageId));
      return 'sent';
    } catch (error) {
      await this.transactions.run(payload.tenantId, (scope) => this.mails.markFailed(scope, mail.id, describe(error)));
      throw error;
    }
  }

  private async tenantOf(scope: TenantScope): Promise<MailTenant> {
    const tenant = await this.tenants.own(scope);
    if (!tenant) throw new MessagingError(MessagingErrorCode.NotFound, { tenantId: scope.tenantId });
    return tenant;
  }

  private async send(tenant: MailTenant, tenantId: string, mail: MailEntity): Promise<string> {
    const rendered = this.render(tenant, mail);
    const attachments = await this.attachments(tenantId, mail);
    const domain = this.config.mailFrom.split('@')[1] ?? 'openrathaus.localhost';
    const sent = await this.transport.send({
      tenantId,
      from: { name: tenant.config.name ?? tenant.name, address: this.config.mailFrom },
      replyTo: tenant.config.contact?.email,
      to: mail.toAddress,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      attachments,
      messageId: `<${mail.id}@${domain}>`,
    });
    return sent.messageId;
  }

  private render(tenant: MailTenant, mail: MailEntity): RenderedMail {
    if (mail.template) return this.templates.renderSystem(tenant, mail.template, mail.locale, mail.data);
    return this.templates.renderMessage(
      tenant,
      { subject: mail.subjectSource ?? { de: '' }, body: mail.bodySource ?? { de: '' } },
      mail.locale,
      mail.data,
    );
  }

  private async attachments(tenantId: string, mail: MailEntity): Promise<OutgoingAttachment[]> {
    const files: OutgoingAttachment[] = [];
    for (const a of mail.attachments) {
      // Checked when queued, and again here: a row is data, not a promise.
      const bytes = a.storageKey.startsWith(`${tenantId}/`) ? await this.storage.get(a.storageKey) : undefined;
      if (!bytes) throw new MessagingError(MessagingErrorCode.AttachmentMissing, { storageKey: a.storageKey });
      files.push({ filename: a.filename, contentType: a.contentType, content: bytes });
    }
    return files;
  }
}

const describe = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
