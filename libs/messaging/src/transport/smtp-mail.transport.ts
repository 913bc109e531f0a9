import { Logger } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { MailTransport, OutgoingMail, SentMail } from './mail-transport.strategy';

const DEFAULTS: Record<string, string> = {
  pool: 'true',
  connectionTimeout: '30000',
  greetingTimeout: '30000',
  socketTimeout: '60000',
};

const logger = new Logger('SmtpMailTransport');

/** The production transport: a pool of SMTP connections to the server `SMTP_URL` names. */
export class SmtpMailTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: ReturnType<typeof nodemailer.createTransport>;

  constructor(smtpUrl: string) {
    const url = new URL(smtpUrl);
    // Options ride in the URL's query (nodemailer reads them there). Pooled, and with timeouts
    // far below nodemailer's (minutes): the mail's row stays locked while it is sent.
    for (const [key, value] of Object.entries(DEFAULTS)) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, value);
    }
    this.transporter = nodemailer.createTransport(url.toString());
    // A pooled connection that fails between mails (the server closed it, the network went away)
    // is reported here; the next mail opens a new one.
    this.transporter.on('error', (error: Error) => logger.warn({ err: error }, 'SMTP connection failed'));
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const info = (await this.transporter.sendMail({
      from: mail.from,
      replyTo: mail.replyTo,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
      // Replies and bounces are the tenant's business; no tracking, no automatic replies to us.
      headers: { 'Auto-Submitted': 'auto-generated' },
    })) as { messageId?: string; rejected?: unknown[] };
    if (info.rejected?.length) throw new Error(`recipient rejected by the SMTP server`);
    return { messageId: info.messageId ?? mail.messageId };
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}
