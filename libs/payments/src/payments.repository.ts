import { Injectable } from '@nestjs/common';
import type { DeepPartial } from 'typeorm';
import { TenantScope } from '@openrathaus/database';
import type { PaymentStatus } from './payment-provider.strategy';
import { PaymentEntity } from './payment.entity';

const newestFirst = { createdAt: 'DESC', id: 'DESC' } as const;

/** The owner of `payments`: every statement runs in the caller's transaction. */
@Injectable()
export class PaymentsRepository {
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
}
