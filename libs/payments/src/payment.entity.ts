import { Column, Entity, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';
import type { PaymentStatus } from './payment-provider.strategy';

/**
 * One payment transaction of an application, as opened at the payment provider. The status only
 * ever moves once, from INITIAL to PAYED, FAILED or CANCELED, by a conditional update.
 */
@Entity({ name: 'payments' })
export class PaymentEntity extends TenantOwned {
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  /** The {@link PaymentProvider.name} the transaction was opened with. */
  @Column({ type: 'text' })
  provider: string;

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId: string;

  /** The pay page; the payer is sent there again while the payment is INITIAL. */
  @Column({ name: 'payment_url', type: 'text' })
  paymentUrl: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents: number;

  @Column({ type: 'text' })
  currency: string;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  status: PaymentStatus;

  /** Why a payment ended as it did where the provider's status alone does not say (e.g. amount_mismatch). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;
}
