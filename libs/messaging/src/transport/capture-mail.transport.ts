import type { CapturedMails } from './captured-mails.repository';
import type { MailTransport, OutgoingMail, SentMail } from './mail-transport.strategy';

/**
 * The development transport, used when no `SMTP_URL` is set outside production: mails are kept
 * in {@link CapturedMails} instead of sent, and `/_dev/mail` on `localhost` lists them.
 */
export class CaptureMailTransport implements MailTransport {
  readonly kind = 'capture';

  constructor(private readonly captured: CapturedMails) {}

  async send(mail: OutgoingMail): Promise<SentMail> {
    await this.captured.add(mail);
    return { messageId: mail.messageId };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
