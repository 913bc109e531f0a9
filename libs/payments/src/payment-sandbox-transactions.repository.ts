import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TenantTransactions } from '@openrathaus/database';
import type { PaymentStatus } from './payment-provider.strategy';
import { PaymentSandboxTransactionEntity } from './payment-sandbox-transaction.entity';
import type { WireItem } from './xbezahldienste.wire';

/** A transaction the sandbox opens, as its request gave it. */
export interface NewSandboxTransaction {
  id: string;
  originatorId: string;
  endPointId: string;
  requestId: string;
  requestTimestamp: string | null;
  amountCents: number;
  purpose: string;
  description: string | null;
  redirectUrl: string;
  items: WireItem[];
}

/**
 * The owner of `payment_sandbox_transactions`. The table has no tenant: each statement is a unit of
 * work of its own, as the application role, as every other unit of work.
 */
@Injectable()
export class PaymentSandboxTransactionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
  ) {}

  /** Opens a transaction; false when its originator and end point had the request id already. */
  async open(tx: NewSandboxTransaction): Promise<boolean> {
    const inserted = await this.work((m) =>
      m.query<{ id: string }[]>(
        `insert into public.payment_sandbox_transactions
           (id, originator_id, end_point_id, request_id, request_timestamp, currency, amount_cents, purpose,
            description, redirect_url, items, status)
         values ($1, $2, $3, $4, $5, 'EUR', $6, $7, $8, $9, $10, 'INITIAL')
         on conflict (originator_id, end_point_id, request_id) do nothing
         returning id`,
        [
          tx.id,
          tx.originatorId,
          tx.endPointId,
          tx.requestId,
          tx.requestTimestamp,
          tx.amountCents,
          tx.purpose,
          tx.description,
          tx.redirectUrl,
          JSON.stringify(tx.items),
        ],
      ),
    );
    return inserted.length > 0;
  }

  byId(id: string): Promise<PaymentSandboxTransactionEntity | null> {
    return this.work((m) => m.findOne(PaymentSandboxTransactionEntity, { where: { id } }));
  }

  /** Moves an open transaction to the payer's choice; one that is closed already stays as it is. */
  async decide(id: string, status: PaymentStatus): Promise<void> {
    await this.work((m) =>
      m.query(
        `update public.payment_sandbox_transactions
            set status = $2, updated_at = now(), paid_at = case when $2 = 'PAYED' then now() end
          where id = $1 and status = 'INITIAL'`,
        [id, status],
      ),
    );
  }

  /** Pays a paid transaction back once; false when it is not paid or was refunded before. */
  async refund(id: string, amountCents: number): Promise<boolean> {
    const rows = await this.work((m) =>
      m.query<{ id: string }[]>(
        `update public.payment_sandbox_transactions
            set refunded_cents = $2, refunded_at = now(), updated_at = now()
          where id = $1 and status = 'PAYED' and refunded_at is null and $2 <= amount_cents
         returning id`,
        [id, amountCents],
      ),
    );
    return rows.length > 0;
  }

  private work<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await this.transactions.withoutTenant(manager);
      return fn(manager);
    });
  }
}
