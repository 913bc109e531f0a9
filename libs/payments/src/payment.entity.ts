import { Column, Entity, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';
import type { PaymentStatus } from './payment-provider.strategy';

/**
 * A paid fee that goes back to the payer: `due` until it is paid back (by the office, where the
 * payment service cannot refund), `refunded` once the payment service did it.
 */
export const REFUND_STATUSES = ['due', 'refunded'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

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

  @Column({ name: 'refund_status', type: 'text', nullable: true })
  refundStatus: RefundStatus | null;

  @Column({ name: 'refund_cents', type: 'integer', nullable: true })
  refundCents: number | null;

  /** Why the fee goes back (`rejected`, `withdrawn`). */
  @Column({ name: 'refund_reason', type: 'text', nullable: true })
  refundReason: string | null;

  /** Why a due refund is left to the office (`provider_cannot_refund`, `provider_unavailable`). */
  @Column({ name: 'refund_note', type: 'text', nullable: true })
  refundNote: string | null;

  @Column({ name: 'refund_due_at', type: 'timestamptz', nullable: true })
  refundDueAt: Date | null;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;
}
