import { Module } from '@nestjs/common';
import { TenancyModule } from '@openrathaus/tenancy';
import { PaymentEntity } from './payment.entity';
import { PAYMENT_PROVIDER } from './payment-provider.strategy';
import { PaymentSandboxTransactionEntity } from './payment-sandbox-transaction.entity';
import { PaymentSandbox } from './payment-sandbox.service';
import { Payments } from './payments.service';
import { XBezahldiensteClient } from './xbezahldienste.client';

export const PAYMENTS_ENTITIES: Function[] = [PaymentEntity, PaymentSandboxTransactionEntity];

/** Payments through an XBezahldienste-shaped provider, and the built-in sandbox. */
@Module({
  imports: [TenancyModule],
  providers: [
    XBezahldiensteClient,
    { provide: PAYMENT_PROVIDER, useExisting: XBezahldiensteClient },
    Payments,
    PaymentSandbox,
  ],
  exports: [PAYMENT_PROVIDER, XBezahldiensteClient, Payments, PaymentSandbox],
})
export class PaymentsModule {}
