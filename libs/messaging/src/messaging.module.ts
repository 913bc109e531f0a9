import { join } from 'node:path';
import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { TenancyModule } from '@openrathaus/tenancy';
import { MailSendHandler } from './mail-send.handler';
import { MailEntity } from './mail.entity';
import { MailboxMessageEntity } from './mailbox-message.entity';
import { MailboxMessagesRepository } from './mailbox-messages.repository';
import { Mailbox } from './mailbox.service';
import { Mailer } from './mailer.service';
import { MailsRepository } from './mails.repository';
import { MailTemplates } from './templates/mail-templates.service';
import { CapturedMails } from './transport/captured-mails.repository';
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
  // The registry for the realm of a mailbox.
  imports: [TenancyModule, I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'messaging', 'locales') })],
  providers: [
    CapturedMails,
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG, CapturedMails],
      useFactory: (config: AppConfig, captured: CapturedMails): MailTransport => createMailTransport(config, captured),
    },
    TransportCloser,
    MailsRepository,
    MailboxMessagesRepository,
    MailTemplates,
    Mailer,
    MailSendHandler,
    Mailbox,
  ],
  exports: [Mailer, Mailbox, MailTemplates, CapturedMails, MAIL_TRANSPORT],
})
export class MessagingModule {}
