/** An attachment as the transport sends it. */
export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A rendered e-mail, ready to go. */
export interface OutgoingMail {
  /** The tenant it is sent for; the capture transport records it. */
  tenantId: string;
  from: { name: string; address: string };
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: OutgoingAttachment[];
  /** Sent as the Message-ID header: the same mail keeps the same id when it is sent again. */
  messageId: string;
}

/** What the transport reports of a mail it accepted. */
export interface SentMail {
  messageId: string;
}

/**
 * How e-mail leaves the platform: SMTP in production ({@link SmtpMailTransport}), a table in
 * development ({@link CaptureMailTransport}). Sending throws when the mail was not accepted.
 */
export interface MailTransport {
  readonly kind: 'smtp' | 'capture';
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): Promise<void>;
}

/** Injection token of the {@link MailTransport} strategy. */
export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');
