import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutgoingMail } from './mail-transport.strategy';

/** How many captured mails are kept; older ones go as new ones come. */
export const CAPTURED_MAILS_KEPT = 500;

/** A captured e-mail as `/_dev/mail` lists it. */
export interface CapturedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; size: number }[];
  sentAt: string;
}

interface CapturedRow {
  to_address: string;
  from_address: string;
  subject: string;
  text: string;
  html: string;
  attachments: CapturedMail['attachments'];
  sent_at: Date;
}

/**
 * The table `captured_mails`, where the development transport keeps what it "sent": a table and
 * not memory, since the portal lists what the worker sent and both may be separate processes.
 * Not tenant-owned: the list on `localhost` shows every tenant's mails. Only the newest
 * {@link CAPTURED_MAILS_KEPT} are kept.
 */
@Injectable()
export class CapturedMails {
  constructor(private readonly dataSource: DataSource) {}

  async add(mail: OutgoingMail): Promise<void> {
    const attachments = mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.content.length,
    }));
    await this.dataSource.query(
      `insert into public.captured_mails (tenant_id, to_address, from_address, subject, text, html, attachments)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        mail.tenantId,
        mail.to,
        `${mail.from.name} <${mail.from.address}>`,
        mail.subject,
        mail.text,
        mail.html,
        JSON.stringify(attachments),
      ],
    );
    await this.dataSource.query(
      `delete from public.captured_mails
        where id < (select id from public.captured_mails order by id desc offset $1 limit 1)`,
      [CAPTURED_MAILS_KEPT - 1],
    );
  }

  /** The captured mails, newest first; `to` keeps those to one address (case-insensitive). */
  async list(options: { to?: string; limit?: number } = {}): Promise<CapturedMail[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? CAPTURED_MAILS_KEPT), 1), CAPTURED_MAILS_KEPT);
    const rows = await this.dataSource.query<CapturedRow[]>(
      `select to_address, from_address, subject, text, html, attachments, sent_at from public.captured_mails
        where $1::text is null or lower(to_address) = lower($1) order by id desc limit $2`,
      [options.to ?? null, limit],
    );
    return rows.map((r) => ({
      to: r.to_address,
      from: r.from_address,
      subject: r.subject,
      text: r.text,
      html: r.html,
      attachments: r.attachments,
      sentAt: new Date(r.sent_at).toISOString(),
    }));
  }
}
