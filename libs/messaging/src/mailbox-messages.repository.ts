import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TenantScope } from '@openrathaus/database';
import { MailboxMessageEntity } from './mailbox-message.entity';

/** The owner of `mailbox_messages`: every statement on it, each in the caller's transaction. */
@Injectable()
export class MailboxMessagesRepository {
  add(
    scope: TenantScope,
    message: Pick<MailboxMessageEntity, 'citizenId' | 'applicationId' | 'subject' | 'body' | 'sender'>,
  ): Promise<MailboxMessageEntity> {
    return scope.insert(MailboxMessageEntity, { ...message, readAt: null });
  }

  /** The citizen's messages, newest first, at most `limit`; only those of one application when given. */
  ofCitizen(
    scope: TenantScope,
    citizenId: string,
    applicationId: string | undefined,
    limit: number,
  ): Promise<MailboxMessageEntity[]> {
    return scope.find(MailboxMessageEntity, {
      where: { citizenId, ...(applicationId ? { applicationId } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  /** Deletes the messages about the application; returns how many. */
  async deleteOfApplication(scope: TenantScope, applicationId: string): Promise<number> {
    const rows = await scope.query<{ id: string }>(
      `delete from public.mailbox_messages where application_id = $1 returning id`,
      [applicationId],
    );
    return rows.length;
  }

  countUnread(scope: TenantScope, citizenId: string): Promise<number> {
    return scope.count(MailboxMessageEntity, { citizenId, readAt: IsNull() });
  }

  /** Marks the citizen's message read (the first time counts); false when the citizen has none such. */
  async markRead(scope: TenantScope, citizenId: string, messageId: string): Promise<boolean> {
    const rows = await scope.query<{ n: number }>(
      `with changed as (
         update public.mailbox_messages set read_at = coalesce(read_at, now())
          where id = $1 and citizen_id = $2 returning id)
       select count(*)::int as n from changed`,
      [messageId, citizenId],
    );
    return rows[0].n === 1;
  }
}
