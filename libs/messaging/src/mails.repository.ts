import { Injectable } from '@nestjs/common';
import { CrossTenantReads, Period, TenantScope } from '@openrathaus/database';
import { MailAttachment, MailEntity } from './mail.entity';

/** What a queued mail is written with. */
export type NewMail = Pick<
  MailEntity,
  'applicationId' | 'toAddress' | 'locale' | 'template' | 'subjectSource' | 'bodySource' | 'data'
> & { attachments: MailAttachment[] };

/** The owner of `mails`: every statement on it, each in the caller's transaction. */
@Injectable()
export class MailsRepository {
  constructor(private readonly crossTenant: CrossTenantReads) {}

  /** Per tenant, the mails sent in `period` (the operator's usage). */
  async usage(period: Period): Promise<{ tenantId: string; mails: number }[]> {
    const rows = await this.crossTenant.query<{ tenant_id: string; n: string }>(
      'usage',
      `select tenant_id, count(*) as n from public.mails
        where status = 'sent' and sent_at >= $1 and sent_at < $2 group by tenant_id`,
      [period.from, period.to],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, mails: Number(r.n) }));
  }

  /** Adds a mail waiting to be sent. */
  add(scope: TenantScope, mail: NewMail): Promise<MailEntity> {
    return scope.insert(MailEntity, { ...mail, status: 'queued', attempts: 0 });
  }

  byId(scope: TenantScope, id: string): Promise<MailEntity | null> {
    return scope.findOne(MailEntity, { id });
  }

  /**
   * Takes the mail for sending for `seconds`, when it waits or failed or another run's claim has
   * run out; false when it is sent or taken.
   */
  async claim(scope: TenantScope, id: string, seconds: number): Promise<boolean> {
    const rows = await scope.query<{ id: string }>(
      `with taken as (
         update public.mails set status = 'sending', claimed_until = clock_timestamp() + make_interval(secs => $2)
          where id = $1 and to_address <> ''
            and (status in ('queued', 'failed') or (status = 'sending' and claimed_until < clock_timestamp()))
         returning id)
       select id from taken`,
      [id, seconds],
    );
    return rows.length > 0;
  }

  /** Marks the mail sent, unless it is already; the data it was rendered from goes. */
  async markSent(scope: TenantScope, id: string, messageId: string): Promise<void> {
    await scope.query(
      // The data (links with tokens, the answers of an application) is not kept once sent.
      `update public.mails set status = 'sent', attempts = attempts + 1, message_id = $2, sent_at = now(),
              error = null, claimed_until = null, data = '{}', attachments = '[]'
        where id = $1 and status <> 'sent'`,
      [id, messageId],
    );
  }

  /**
   * Removes the personal data of the application's mails (address, data, attachments, error);
   * one not yet sent will never be: it is marked failed. Returns how many mails it changed.
   */
  async forget(scope: TenantScope, applicationId: string): Promise<number> {
    const rows = await scope.query<{ id: string }>(
      `update public.mails
          set to_address = '', data = '{}', attachments = '[]', claimed_until = null,
              status = case when status = 'sent' then 'sent' else 'failed' end,
              error = case when status = 'sent' then null else 'forgotten by retention' end
        where application_id = $1 and (to_address <> '' or data <> '{}' or attachments <> '[]')
       returning id`,
      [applicationId],
    );
    return rows.length;
  }

  /** Records a failed attempt, unless another run sent it meanwhile. */
  async markFailed(scope: TenantScope, id: string, error: string): Promise<void> {
    await scope.query(
      `update public.mails set status = 'failed', attempts = attempts + 1, error = $2, claimed_until = null
        where id = $1 and status <> 'sent'`,
      [id, error],
    );
  }
}
