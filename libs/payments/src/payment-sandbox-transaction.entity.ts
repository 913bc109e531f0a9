import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PaymentStatus } from './payment-provider.strategy';
import type { WireItem } from './xbezahldienste.wire';

/**
 * A transaction of the built-in sandbox. Not tenant-owned: the sandbox stands in for an external
 * payment service, which keeps its own books apart from any tenant's data.
 */
@Entity({ name: 'payment_sandbox_transactions' })
export class PaymentSandboxTransactionEntity {
  /** The transactionId handed out; unguessable, as it is all a pay page link carries. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'originator_id', type: 'text' })
  originatorId: string;

  @Column({ name: 'end_point_id', type: 'text' })
  endPointId: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ name: 'request_timestamp', type: 'text', nullable: true })
  requestTimestamp: string | null;

  @Column({ type: 'text' })
  currency: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents: number;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'redirect_url', type: 'text' })
  redirectUrl: string;

  @Column({ type: 'jsonb' })
  items: WireItem[];

  @Column({ type: 'text' })
  status: PaymentStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  /** What the sandbox paid back of the transaction, once. */
  @Column({ name: 'refunded_cents', type: 'integer', nullable: true })
  refundedCents: number | null;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;
}
