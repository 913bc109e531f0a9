import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { MessagingModule } from '@openrathaus/messaging';
import { TenancyModule } from '@openrathaus/tenancy';
import { DeliveriesRepository } from './deliveries.repository';
import { Deliveries } from './deliveries.service';
import { DeliveryPoller } from './delivery-poller.service';
import { DeliverySendHandler } from './delivery-send.handler';
import { EmailDeliveryStrategy } from './email.strategy';
import { FitConnectClient } from './fit-connect/fit-connect.client';
import { FitConnectStrategy } from './fit-connect/fit-connect.strategy';
import { WebhookDeliveryStrategy } from './webhook.strategy';

/** The hand-off of applications to the offices' software: targets, sender, retries, dead letters. */
@Module({
  imports: [
    ApplicationsModule,
    MessagingModule,
    TenancyModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'delivery', 'locales') }),
  ],
  providers: [
    DeliveriesRepository,
    Deliveries,
    DeliverySendHandler,
    DeliveryPoller,
    EmailDeliveryStrategy,
    WebhookDeliveryStrategy,
    FitConnectClient,
    FitConnectStrategy,
  ],
  exports: [Deliveries, DeliveryPoller],
})
export class DeliveryModule {}
