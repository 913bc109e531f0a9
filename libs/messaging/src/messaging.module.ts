import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { TenancyModule } from '@openrathaus/tenancy';
import { WebModule } from '@openrathaus/web';
import { MailEntity } from './mail.entity';
import { MailSendHandler } from './mail-send.handler';
import { Mailbox } from './mailbox.service';
import { MailboxMessageEntity } from './mailbox-message.entity';
import { Mailer } from './mailer.service';
import { MailTemplates } from './templates/mail-templates.service';
import { CapturedMails } from './transport/captured-mails.service';
import { createMailTransport } from './transport/create-mail-transport';
import { MAIL_TRANSPORT, MailTransport } from './transport/mail-transport.strategy';

export const MESSAGING_ENTITIES: Function[] = [MailEntity, MailboxMessageEntity];

@Injectable()
class TransportCloser implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  onApplicationShutdown(): Promise<void> {
    return this.transport.close();
  }
}

/** E-mail from per-tenant templates, sent by the worker, and the citizen's mailbox. */
@Module({
  // The web lib's texts (i18n) for the mail layout; the registry for the realm of a mailbox.
  imports: [WebModule, TenancyModule],
  providers: [
    CapturedMails,
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG, CapturedMails],
      useFactory: (config: AppConfig, captured: CapturedMails): MailTransport => createMailTransport(config, captured),
    },
    TransportCloser,
    MailTemplates,
    Mailer,
    MailSendHandler,
    Mailbox,
  ],
  exports: [Mailer, Mailbox, MailTemplates, CapturedMails, MAIL_TRANSPORT],
})
export class MessagingModule {}
