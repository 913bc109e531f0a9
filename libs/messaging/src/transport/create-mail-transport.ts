import { AppConfig, CoreError, CoreErrorCode } from '@openrathaus/core';
import { CaptureMailTransport } from './capture-mail.transport';
import type { CapturedMails } from './captured-mails.repository';
import type { MailTransport } from './mail-transport.strategy';
import { SmtpMailTransport } from './smtp-mail.transport';

/**
 * The default choice of transport: SMTP when `SMTP_URL` is set, capture otherwise. Production
 * without `SMTP_URL` refuses to start: e-mails that nobody would ever receive (verification
 * links, confirmations) are worse than a process that names its missing setting at once.
 */
export function createMailTransport(config: AppConfig, captured: CapturedMails): MailTransport {
  if (config.smtpUrl) return new SmtpMailTransport(config.smtpUrl);
  if (config.env === 'production') {
    throw new CoreError(CoreErrorCode.InvalidConfiguration, {
      field: 'SMTP_URL',
      value: '(not set; production sends e-mail only through SMTP)',
    });
  }
  return new CaptureMailTransport(captured);
}
