import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { TenancyModule } from '@openrathaus/tenancy';
import { PAYMENT_PROVIDER } from './payment-provider.strategy';
import { PaymentSandboxTransactionEntity } from './payment-sandbox-transaction.entity';
import { PaymentSandbox } from './payment-sandbox.service';
import { PaymentSandboxTransactionsRepository } from './payment-sandbox-transactions.repository';
import { PaymentEntity } from './payment.entity';
import { Payments } from './payments.service';
import { PaymentsRepository } from './payments.repository';
import { XBezahldiensteClient } from './xbezahldienste.client';

export const PAYMENTS_ENTITIES: Function[] = [PaymentEntity, PaymentSandboxTransactionEntity];

/** Payments through an XBezahldienste-shaped provider, and the built-in sandbox. */
@Module({
  imports: [
    TenancyModule,
    ApplicationsModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'payments', 'locales') }),
  ],
  providers: [
    XBezahldiensteClient,
    { provide: PAYMENT_PROVIDER, useExisting: XBezahldiensteClient },
    Payments,
    PaymentsRepository,
    PaymentSandbox,
    PaymentSandboxTransactionsRepository,
  ],
  exports: [PAYMENT_PROVIDER, XBezahldiensteClient, Payments, PaymentSandbox],
})
export class PaymentsModule {}
