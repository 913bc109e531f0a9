import { Injectable } from '@nestjs/common';
import type { DeepPartial } from 'typeorm';
import { CrossTenantReads, Period, TenantScope } from '@openrathaus/database';
import type { PaymentStatus } from './payment-provider.strategy';
import { PaymentEntity } from './payment.entity';

const newestFirst = { createdAt: 'DESC', id: 'DESC' } as const;

/** The owner of `payments`: every statement runs in the caller's transaction. */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly crossTenant: CrossTenantReads) {}

  /** Per tenant, the payments received in `period` and their sum in cents (the operator's usage). */
  async usage(period: Period): Promise<{ tenantId: string; payments: number; paidCents: number }[]> {
    const rows = await this.crossTenant.query<{ tenant_id: string; n: string; cents: string }>(
      'usage',
      `select tenant_id, count(*) as n, coalesce(sum(amount_cents), 0) as cents from public.payments
        where status = 'PAYED' and paid_at >= $1 and paid_at < $2 group by tenant_id`,
      [period.from, period.to],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, payments: Number(r.n), paidCents: Number(r.cents) }));
  }

  /** Every payment of the application, newest first. */
  ofApplication(scope: TenantScope, applicationId: string): Promise<PaymentEntity[]> {
    return scope.find(PaymentEntity, { where: { applicationId }, order: newestFirst });
  }

  paidCount(scope: TenantScope, applicationId: string): Promise<number> {
    return scope.count(PaymentEntity, { applicationId, status: 'PAYED' });
  }

  async add(scope: TenantScope, payment: Omit<DeepPartial<PaymentEntity>, 'tenantId'>): Promise<void> {
    await scope.insert(PaymentEntity, payment);
  }

  /** Moves an open payment to its outcome; false when it was not open any more. */
  async settle(scope: TenantScope, id: string, outcome: PaymentStatus, note: string | null): Promise<boolean> {
    const moved = await scope.query(
      // Wrapped in a select: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
      `with moved as (
         update public.payments
            set status = $2, note = $3, updated_at = now(), paid_at = case when $2 = 'PAYED' then now() end
          where id = $1 and status = 'INITIAL'
         returning id)
       select id from moved`,
      [id, outcome, note],
    );
    return moved.length > 0;
  }

  /** Serialises the recording of one application's payments, for the length of the transaction. */
  async lockApplication(scope: TenantScope, applicationId: string): Promise<void> {
    await scope.query(`select pg_advisory_xact_lock(hashtextextended($1, 8008))`, [`payments:${applicationId}`]);
  }

  /**
   * Marks the paid payment of the application as to be paid back, once; the payment marked, or
   * undefined when nothing was paid (or its refund was recorded before).
   */
  async markRefundDue(scope: TenantScope, applicationId: string, reason: string): Promise<PaymentEntity | undefined> {
    const rows = await scope.query<{ id: string }>(
      `with marked as (
         update public.payments
            set refund_status = 'due', refund_cents = amount_cents, refund_reason = $2, refund_due_at = now(),
                updated_at = now()
          where id = (select id from public.payments
                       where application_id = $1 and status = 'PAYED' and refund_status is null
                       order by paid_at limit 1)
         returning id)
       select id from marked`,
      [applicationId, reason],
    );
    return rows[0] ? ((await scope.findOne(PaymentEntity, { id: rows[0].id })) ?? undefined) : undefined;
  }

  /** The payment of the application whose refund is due, if there is one. */
  async refundDue(scope: TenantScope, applicationId: string): Promise<PaymentEntity | undefined> {
    return (await scope.findOne(PaymentEntity, { applicationId, refundStatus: 'due' })) ?? undefined;
  }

  /** Records the outcome of a refund: paid back, or left to the office with the reason. */
  async settleRefund(scope: TenantScope, id: string, refunded: boolean, note: string | null): Promise<boolean> {
    const rows = await scope.query(
      `with settled as (
         update public.payments
            set refund_status = case when $2 then 'refunded' else 'due' end,
                refunded_at = case when $2 then now() end, refund_note = $3, updated_at = now()
          where id = $1 and refund_status = 'due'
         returning id)
       select id from settled`,
      [id, refunded, note],
    );
    return rows.length > 0;
  }
}
