import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';
import type { LocalizedText } from '@openrathaus/i18n';

/** Who wrote a message: the platform, a caseworker, or the citizen (a reply to a request for information). */
export type MailboxSender = 'system' | 'staff' | 'citizen';

/** A message in a citizen's mailbox (Postfach), kept by the municipality that sent it. */
@Entity({ name: 'mailbox_messages' })
export class MailboxMessageEntity extends TenantOwned {
  /** The citizen's account in the realm (the region for its members). */
  @Column({ name: 'citizen_id', type: 'uuid' })
  citizenId: string;

  @Column({ name: 'application_id', type: 'uuid', nullable: true })
  applicationId: string | null;

  /** Final text per language (already filled in); German is always there. */
  @Column({ type: 'jsonb' })
  subject: LocalizedText;

  /** Plain text per language; whoever shows it escapes it. */
  @Column({ type: 'jsonb' })
  body: LocalizedText;

  @Column({ type: 'text' })
  sender: MailboxSender;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
