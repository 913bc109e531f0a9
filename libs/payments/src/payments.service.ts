import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { FieldFault, findContext, isUuid } from '@openrathaus/core';
import { Applications } from '@openrathaus/applications';
import { AuditLog, Period, TenantScope, TenantTransactions } from '@openrathaus/database';
import type { Tenant } from '@openrathaus/tenancy';
import { PaymentEntity, RefundStatus } from './payment.entity';
import { PAYMENT_PROVIDER, PaymentProvider, PaymentStatus } from './payment-provider.strategy';
import { ID_PATTERN, amountFault, purposeFault, urlFault } from './payment-values';
import { PaymentsError, PaymentsErrorCode } from './payments.error';
import { PaymentsRepository } from './payments.repository';

/** What an application's payment step asks for. */
export interface StartPayment {
  applicationId: string;
  amountCents: number;
  /** At most 27 characters XBezahldienste allows; build it with {@link paymentPurpose}. */
  purpose: string;
  /** The business reference (the application's number): `[A-Za-z0-9_-]`, at most 36. */
  reference: string;
  /** The portal page the payer comes back to; it calls {@link Payments.confirm}. */
  returnUrl: string;
  description?: string;
}

/** A payment as the portal shows it. */
export interface PaymentView {
  id: string;
  applicationId: string;
  provider: string;
  transactionId: string;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  purpose: string;
  reference: string;
  /** The pay page, while the payment is open. */
  redirectUrl?: string;
  note: string | null;
  createdAt: Date;
  paidAt: Date | null;
  /** Set once the paid fee is to go back: `due` (the office pays it out) or `refunded`. */
  refund?: PaymentRefund;
}

/** A paid fee going back to the payer. */
export interface PaymentRefund {
  status: RefundStatus;
  amountCents: number;
  reason: string | null;
  /** Why the office pays it out itself (`provider_cannot_refund`, `provider_unavailable`). */
  note: string | null;
  refundedAt: Date | null;
}

/** The outcome of a {@link Payments.confirm}. */
export interface PaymentConfirmation {
  /** PAYED when any payment of the application is paid, else the state of the newest one. */
  status: PaymentStatus;
  /** True for exactly one call per application: the one that recorded the payment as PAYED. */
  justPaid: boolean;
}

const view = (p: PaymentEntity): PaymentView => ({
  id: p.id,
  applicationId: p.applicationId,
  provider: p.provider,
  transactionId: p.transactionId,
  status: p.status,
  amountCents: p.amountCents,
  currency: p.currency,
  purpose: p.purpose,
  reference: p.reference,
  ...(p.status === 'INITIAL' ? { redirectUrl: p.paymentUrl } : {}),
  note: p.note,
  createdAt: p.createdAt,
  paidAt: p.paidAt,
  ...(p.refundStatus
    ? {
        refund: {
          status: p.refundStatus,
          amountCents: p.refundCents ?? p.amountCents,
          reason: p.refundReason,
          note: p.refundNote,
          refundedAt: p.refundedAt,
        },
      }
    : {}),
});

/**
 * The payments of applications. A payment is opened at the {@link PaymentProvider} and recorded
 * here; its outcome is asked from the provider (never taken from the browser's return) and
 * recorded once, by a conditional update under a lock per application, so that parallel
 * confirmations — the payer's return, a reload, a background check — report a payment as just
 * paid exactly once.
 */
@Injectable()
export class Payments {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly applications: Applications,
    private readonly auditLog: AuditLog,
    private readonly payments: PaymentsRepository,
  ) {}

  /**
   * Opens a payment for an application and returns where to send the payer. An open payment of
   * the same amount is reused; an application that is paid already is refused (`already_paid`).
   */
  /** Per tenant, the payments received in a period and their sum: the operator's usage. */
  usage(period: Period): Promise<{ tenantId: string; payments: number; paidCents: number }[]> {
    return this.payments.usage(period);
  }

  async start(tenant: Tenant, input: StartPayment): Promise<{ paymentId: string; redirectUrl: string }> {
    const faults = [
      amountFault(input.amountCents),
      purposeFault(input.purpose),
      ID_PATTERN.test(input.reference ?? '') ? undefined : { field: 'reference', key: 'payments.id' },
      urlFault(input.returnUrl, 'returnUrl'),
    ].filter((f): f is FieldFault => f !== undefined);
    if (faults.length) throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, faults);
    const { applicationId } = input;
    const open = await this.transactions.run(tenant.id, (scope) => this.reusable(scope, input));
    if (open) return { paymentId: open.id, redirectUrl: open.paymentUrl };

    // The provider is called outside any transaction: no lock is held while it takes its time.
    const paymentId = randomUUID();
    const created = await this.provider.create({
      requestId: paymentId,
      amountCents: input.amountCents,
      currency: 'EUR',
      purpose: input.purpose,
      reference: input.reference,
      returnUrl: input.returnUrl,
      tenantSlug: tenant.slug,
      ...(input.description ? { description: input.description } : {}),
    });
    return this.transactions.run(tenant.id, async (scope) => {
      await this.payments.lockApplication(scope, applicationId);
      // A parallel start may have won meanwhile: its payment counts; ours stays unused at the provider.
      const winner = await this.reusable(scope, input);
      if (winner) return { paymentId: winner.id, redirectUrl: winner.paymentUrl };
      await this.payments.add(scope, {
        id: paymentId,
        applicationId,
        provider: this.provider.name,
        transactionId: created.transactionId,
        paymentUrl: created.paymentUrl,
        amountCents: input.amountCents,
        currency: 'EUR',
        purpose: input.purpose,
        reference: input.reference,
        status: 'INITIAL',
        note: null,
        paidAt: null,
      });
      await this.audit(scope, 'payment.started', paymentId, {
        applicationId,
        amountCents: input.amountCents,
        transactionId: created.transactionId,
      });
      return { paymentId, redirectUrl: created.paymentUrl };
    });
  }

  /**
   * Asks the provider about every open payment of the application and records each outcome once.
   * Only the application id is trusted: whatever the payer's browser brings back is ignored.
   */
  async confirm(tenant: Tenant, applicationId: string): Promise<PaymentConfirmation> {
    const payments = await this.list(tenant, applicationId);
    if (!payments.length) throw new PaymentsError(PaymentsErrorCode.NotFound);
    let justPaid = false;
    for (const payment of payments.filter((p) => p.status === 'INITIAL')) {
      const answer = await this.provider.status(payment.transactionId, tenant.slug);
      if (answer.status === 'INITIAL') continue;
      const mismatch = answer.status === 'PAYED' && answer.amountCents !== payment.amountCents;
      const outcome: PaymentStatus = mismatch ? 'FAILED' : answer.status;
      const recorded = await this.record(tenant, payment, outcome, mismatch ? 'amount_mismatch' : null, {
        reported: answer.status,
        reportedAmountCents: answer.amountCents,
        amountCents: payment.amountCents,
      });
      if (mismatch) {
        this.logger.warn(
          { paymentId: payment.id, expected: payment.amountCents, reported: answer.amountCents },
          'payment reported paid with another amount: recorded as failed',
        );
      }
      justPaid ||= recorded;
    }
    const now = await this.list(tenant, applicationId);
    const status = now.some((p) => p.status === 'PAYED') ? 'PAYED' : now[0].status;
    return { status, justPaid };
  }

  /**
   * The payment that tells how the application stands: the paid one where there is one, else the
   * newest; undefined before any payment (and for another tenant's application).
   */
  async forApplication(tenant: Tenant, applicationId: string): Promise<PaymentView | undefined> {
    const payments = await this.list(tenant, applicationId);
    const current = payments.find((p) => p.status === 'PAYED') ?? payments[0];
    return current && view(current);
  }

  /** Every payment of the application, newest first (failed and cancelled attempts included). */
  async history(tenant: Tenant, applicationId: string): Promise<PaymentView[]> {
    return (await this.list(tenant, applicationId)).map(view);
  }

  /**
   * Records, in the caller's transaction (the one that rejects or withdraws the application), that
   * the fee paid for the application goes back; the amount, or undefined when nothing was paid.
   * The payment service is asked afterwards ({@link refund}), outside the transaction.
   */
  async recordRefundDue(scope: TenantScope, applicationId: string, reason: string): Promise<number | undefined> {
    await this.payments.lockApplication(scope, applicationId);
    const payment = await this.payments.markRefundDue(scope, applicationId, reason);
    if (!payment) return undefined;
    await this.audit(scope, 'payment.refund_due', payment.id, {
      applicationId,
      amountCents: payment.amountCents,
      reason,
    });
    return payment.amountCents;
  }

  /**
   * Has the payment service pay a due refund back, where it can. A service without refunds, or
   * one that is away, leaves the refund due, noted as the office's to pay out: visible in the
   * payment's `refund`, never silently dropped.
   */
  async refund(tenant: Tenant, applicationId: string): Promise<PaymentRefund | undefined> {
    if (!isUuid(applicationId)) return undefined;
    const due = await this.transactions.run(tenant.id, (scope) => this.payments.refundDue(scope, applicationId));
    if (!due) return undefined;
    let refunded = false;
    let note: string | null = null;
    if (!this.provider.refund || due.provider !== this.provider.name) note = 'provider_cannot_refund';
    else {
      try {
        refunded = (
          await this.provider.refund({
            transactionId: due.transactionId,
            tenantSlug: tenant.slug,
            amountCents: due.refundCents ?? due.amountCents,
          })
        ).refunded;
        if (!refunded) note = 'provider_cannot_refund';
      } catch (error) {
        this.logger.warn({ err: error, paymentId: due.id }, 'refund not made: the office pays it out');
        note = 'provider_unavailable';
      }
    }
    await this.transactions.run(tenant.id, async (scope) => {
      await this.payments.lockApplication(scope, applicationId);
      if (!(await this.payments.settleRefund(scope, due.id, refunded, note))) return;
      await this.audit(scope, refunded ? 'payment.refunded' : 'payment.refund_by_office', due.id, {
        applicationId,
        amountCents: due.refundCents ?? due.amountCents,
        ...(note ? { note } : {}),
      });
    });
    return view((await this.list(tenant, applicationId)).find((p) => p.id === due.id)!).refund;
  }

  private list(tenant: Tenant, applicationId: string): Promise<PaymentEntity[]> {
    if (!isUuid(applicationId)) return Promise.resolve([]);
    return this.transactions.run(tenant.id, (scope) => this.payments.ofApplication(scope, applicationId));
  }

  /** The open payment to reuse, after checking the application is there and not paid. */
  private async reusable(scope: TenantScope, input: StartPayment): Promise<PaymentEntity | undefined> {
    // Row-level security hides other tenants' applications here; a foreign key check would not.
    if (!(await this.applications.exists(scope, input.applicationId)))
      throw new PaymentsError(PaymentsErrorCode.NotFound);
    const payments = await this.payments.ofApplication(scope, input.applicationId);
    if (payments.some((p) => p.status === 'PAYED')) throw new PaymentsError(PaymentsErrorCode.AlreadyPaid);
    return payments.find(
      (p) => p.status === 'INITIAL' && p.amountCents === input.amountCents && p.provider === this.provider.name,
    );
  }

  /**
   * Moves a payment from INITIAL to its outcome, if no one did before; true when this call
   * recorded the application's first PAYED payment.
   */
  private record(
    tenant: Tenant,
    payment: PaymentEntity,
    outcome: PaymentStatus,
    note: string | null,
    data: Record<string, unknown>,
  ): Promise<boolean> {
    return this.transactions.run(tenant.id, async (scope) => {
      await this.payments.lockApplication(scope, payment.applicationId);
      const paidBefore = await this.payments.paidCount(scope, payment.applicationId);
      if (!(await this.payments.settle(scope, payment.id, outcome, note))) return false;
      const action = note === 'amount_mismatch' ? 'payment.amount_mismatch' : `payment.${outcome.toLowerCase()}`;
      await this.audit(scope, action, payment.id, { applicationId: payment.applicationId, ...data });
      return outcome === 'PAYED' && paidBefore === 0;
    });
  }

  private async audit(scope: TenantScope, action: string, paymentId: string, data: Record<string, unknown>) {
    await this.auditLog.record(scope, {
      action,
      actor: 'system',
      subject: `payment:${paymentId}`,
      data,
      correlationId: findContext()?.correlationId ?? null,
    });
  }
}
