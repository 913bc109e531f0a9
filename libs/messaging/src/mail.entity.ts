import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';
import type { LocalizedText } from '@openrathaus/i18n';

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** A file from the file storage that goes with an e-mail. */
export interface MailAttachment {
  /** Key in the file storage; it must lie below the tenant's own folder (`<tenantId>/…`). */
  storageKey: string;
  filename: string;
  contentType: string;
}

/**
 * One e-mail: written in the transaction of the change that causes it, rendered and sent by the
 * worker. Either a system template (`template`) or a definition's message (`subjectSource`,
 * `bodySource`) says what it reads.
 */
@Entity({ name: 'mails' })
export class MailEntity extends TenantOwned {
  @Column({ name: 'application_id', type: 'uuid', nullable: true })
  applicationId: string | null;

  @Column({ name: 'to_address', type: 'text' })
  toAddress: string;

  @Column({ type: 'text', default: 'de' })
  locale: string;

  /** Name of a system template (`account-verify`); null for a definition's message. */
  @Column({ type: 'text', nullable: true })
  template: string | null;

  @Column({ name: 'subject_source', type: 'jsonb', nullable: true })
  subjectSource: LocalizedText | null;

  @Column({ name: 'body_source', type: 'jsonb', nullable: true })
  bodySource: LocalizedText | null;

  /** What the template is filled with; rendered when the mail is sent, never before. */
  @Column({ type: 'jsonb', default: {} })
  data: Record<string, unknown>;

  @Column({ type: 'jsonb', default: [] })
  attachments: MailAttachment[];

  @Column({ type: 'text', default: 'queued' })
  status: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** The last failure, for the operator. */
  @Column({ type: 'text', nullable: true })
  error: string | null;
}
