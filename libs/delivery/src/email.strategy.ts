import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@openrathaus/database';
import { Mailer, inertData } from '@openrathaus/messaging';
import { DeliveryTargetStrategy, Handoff, HandoffFailure, HandoffReceipt } from './delivery-target.strategy';

/** An e-mail target: the address the hand-off goes to (a fixed one, the office's or the tenant's). */
export interface EmailTarget {
  email: string;
}

/**
 * The hand-off as an e-mail to the office: every answer in the text, the application's summary as
 * a PDF and the citizen's files attached. The mail is queued in the transaction that records the
 * hand-off as done (the messaging outbox sends it), so that a retried job never mails twice.
 */
@Injectable()
export class EmailDeliveryStrategy implements DeliveryTargetStrategy<EmailTarget> {
  readonly kind = 'email';

  constructor(private readonly mailer: Mailer) {}

  send(): Promise<HandoffReceipt> {
    // Only ever sent inside the transaction that records it.
    return Promise.reject(new HandoffFailure('an e-mail hand-off is sent within its transaction', true));
  }

  async sendWithin(scope: TenantScope, handoff: Handoff, target: EmailTarget): Promise<HandoffReceipt> {
    const summary = handoff.files.find((f) => f.field === 'summary');
    const files = handoff.files.filter((f) => f.field !== 'summary');
    const mailId = await this.mailer.queue(scope, {
      to: target.email,
      locale: 'de',
      template: 'application-delivery',
      data: {
        number: handoff.application.number,
        service: handoff.definition.title,
        version: `${handoff.definition.owner}/${handoff.definition.key}@${handoff.definition.version}`,
        submittedAt: new Date(handoff.application.submittedAt).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' }),
        handoffId: handoff.id,
        fields: inertData(handoff.fields.map((f) => ({ label: f.label, text: f.text }))),
        files: inertData(files.map((f) => ({ filename: f.filename, field: f.field }))),
        tenant: { name: handoff.tenant.name },
      },
      applicationId: handoff.application.id,
      attachments: [...(summary ? [summary] : []), ...files].map((f) => ({
        storageKey: f.storageKey,
        filename: f.filename,
        contentType: f.contentType,
      })),
    });
    return { to: target.email, mailId };
  }
}
