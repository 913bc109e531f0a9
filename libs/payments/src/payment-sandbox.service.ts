import { TenantRegistry } from '@openrathaus/tenancy';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, FieldFault } from '@openrathaus/core';
import type { PaymentStatus } from './payment-provider.strategy';
import { PaymentSandboxTransactionEntity } from './payment-sandbox-transaction.entity';
import { PaymentSandboxTransactionsRepository } from './payment-sandbox-transactions.repository';
import {
  DESCRIPTION_PATTERN,
  ID_PATTERN,
  amountFault,
  centsToEuros,
  eurosToCents,
  purposeFault,
  urlFault,
} from './payment-values';
import { PaymentsError, PaymentsErrorCode } from './payments.error';
import { SANDBOX_PATH } from './payments.settings';
import type { WireItem, WirePaymentTransaction } from './xbezahldienste.wire';

/** What the payer chose on the sandbox's pay page. */
export const SANDBOX_ACTIONS = { pay: 'PAYED', fail: 'FAILED', cancel: 'CANCELED' } as const;
export type SandboxAction = keyof typeof SANDBOX_ACTIONS;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a PaymentRequest as XBezahldienste 1.0 describes it; every faulty field at once. */
function checkRequest(originatorId: string, endPointId: string, body: unknown) {
  const faults: (FieldFault | undefined)[] = [
    ID_PATTERN.test(originatorId) ? undefined : { field: 'originatorId', key: 'payments.id' },
    ID_PATTERN.test(endPointId) ? undefined : { field: 'endPointId', key: 'payments.id' },
  ];
  const b = isObject(body) ? body : {};
  const id = (value: unknown, field: string): FieldFault | undefined =>
    value === undefined || value === ''
      ? { field, key: 'required' }
      : typeof value === 'string' && ID_PATTERN.test(value)
        ? undefined
        : { field, key: 'payments.id' };
  const cents = eurosToCents(b.grosAmount);
  const amountWrong = cents === undefined ? true : amountFault(cents) !== undefined;
  faults.push(
    id(b.requestId, 'requestId'),
    b.currency === 'EUR' ? undefined : { field: 'currency', key: 'payments.currency' },
    cents === undefined
      ? { field: 'grosAmount', key: 'payments.amount', params: { max: 999_999 } }
      : amountFault(cents, 'grosAmount'),
    purposeFault(b.purpose),
    b.description === undefined || (typeof b.description === 'string' && DESCRIPTION_PATTERN.test(b.description))
      ? undefined
      : { field: 'description', key: 'payments.description' },
    urlFault(b.redirectUrl, 'redirectUrl'),
    b.requestTimestamp === undefined || (typeof b.requestTimestamp === 'string' && b.requestTimestamp.length <= 40)
      ? undefined
      : { field: 'requestTimestamp', key: 'invalid' },
  );
  const items = Array.isArray(b.items) ? b.items : [];
  if (!items.length || items.length > 99) {
    faults.push({ field: 'items', key: 'payments.items' });
  } else {
    let sum = 0;
    items.forEach((item: unknown, i) => {
      const it = isObject(item) ? item : {};
      const net = eurosToCents(it.totalNetAmount);
      const tax = it.totalTaxAmount === undefined ? 0 : eurosToCents(it.totalTaxAmount);
      faults.push(id(it.id, `items.${i}.id`));
      if (net === undefined || net < 0) faults.push({ field: `items.${i}.totalNetAmount`, key: 'payments.amount' });
      if (tax === undefined || tax < 0) faults.push({ field: `items.${i}.totalTaxAmount`, key: 'payments.amount' });
      sum += (net ?? 0) + (tax ?? 0);
    });
    // XBezahldienste: CALCULATION_ERROR, the positions do not add up to grosAmount.
    if (!amountWrong && sum !== cents) faults.push({ field: 'items', key: 'payments.items_sum' });
  }
  const found = faults.filter((f): f is FieldFault => f !== undefined);
  if (found.length) throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, found);
  return {
    requestId: b.requestId as string,
    requestTimestamp: (b.requestTimestamp as string | undefined) ?? null,
    amountCents: cents!,
    purpose: b.purpose as string,
    description: (b.description as string | undefined) ?? null,
    redirectUrl: b.redirectUrl as string,
    items: items as WireItem[],
  };
}

/**
 * The built-in stand-in for an XBezahldienste payment service: it opens transactions, shows a pay
 * page where the tester decides the outcome, and answers status queries. No money moves. It keeps
 * its books in a table of its own and is reached over HTTP only, as a real service would be.
 */
@Injectable()
export class PaymentSandbox {
  /** Whether the sandbox answers at all (`payments.sandbox` of the configuration). */
  readonly enabled: boolean;

  constructor(
    private readonly sandboxTransactions: PaymentSandboxTransactionsRepository,
    private readonly registry: TenantRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.enabled = config.payments.sandbox;
  }

  /**
   * Opens a transaction. `origin` is where this request reached the sandbox (for the status URL);
   * the pay page is linked on the origin of the redirect URL, because the sandbox runs inside the
   * portal the payer uses and that origin is the one the payer's browser surely reaches.
   */
  async create(
    origin: string,
    originatorId: string,
    endPointId: string,
    body: unknown,
  ): Promise<WirePaymentTransaction> {
    this.check();
    const request = checkRequest(originatorId, endPointId, body);
    // A payment service sends payers back only to addresses registered with it: here, a portal's.
    if (this.registry.resolveHost(new URL(request.redirectUrl).host)?.kind !== 'tenant') {
      throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, [
        { field: 'redirectUrl', key: 'payments.redirect_host' },
      ]);
    }
    const id = `sbx-${randomBytes(18).toString('base64url')}`;
    const opened = await this.sandboxTransactions.open({ id, originatorId, endPointId, ...request });
    if (!opened) {
      throw new PaymentsError(PaymentsErrorCode.PaymentExists, {}, [{ field: 'requestId', key: 'taken' }]);
    }
    return this.wire(origin, (await this.find(id))!);
  }

  /** The transaction as a status query sees it; only at the originator and end point it was opened at. */
  async status(
    origin: string,
    originatorId: string,
    endPointId: string,
    transactionId: string,
  ): Promise<WirePaymentTransaction> {
    this.check();
    const tx = await this.find(transactionId);
    if (!tx || tx.originatorId !== originatorId || tx.endPointId !== endPointId) {
      throw new PaymentsError(PaymentsErrorCode.NotFound);
    }
    return this.wire(origin, tx);
  }

  /**
   * Pays a paid transaction back (beside the standard: XBezahldienste 1.0 has no refund). Only at
   * the originator and end point it was opened at, only once, at most the amount paid.
   */
  async refund(
    origin: string,
    originatorId: string,
    endPointId: string,
    transactionId: string,
    body: unknown,
  ): Promise<WirePaymentTransaction> {
    this.check();
    const tx = await this.find(transactionId);
    if (!tx || tx.originatorId !== originatorId || tx.endPointId !== endPointId) {
      throw new PaymentsError(PaymentsErrorCode.NotFound);
    }
    const cents = eurosToCents(isObject(body) ? body.amount : undefined);
    if (cents === undefined || amountFault(cents) || cents > tx.amountCents) {
      throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, [{ field: 'amount', key: 'payments.amount' }]);
    }
    if (tx.status !== 'PAYED' || !(await this.sandboxTransactions.refund(tx.id, cents))) {
      throw new PaymentsError(PaymentsErrorCode.PaymentExists, {}, [{ field: 'transactionId', key: 'taken' }]);
    }
    return this.wire(origin, (await this.find(transactionId))!);
  }

  /** The transaction behind a pay page. */
  async transaction(transactionId: string): Promise<PaymentSandboxTransactionEntity> {
    this.check();
    const tx = await this.find(transactionId);
    if (!tx) throw new PaymentsError(PaymentsErrorCode.NotFound);
    return tx;
  }

  /** Records the payer's choice once; a second choice (another tab, a resent form) changes nothing. */
  async decide(transactionId: string, action: unknown): Promise<PaymentSandboxTransactionEntity> {
    this.check();
    if (typeof action !== 'string' || !Object.hasOwn(SANDBOX_ACTIONS, action)) {
      throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, [
        { field: 'action', key: 'one_of', params: { allowed: Object.keys(SANDBOX_ACTIONS).join(', ') } },
      ]);
    }
    const status: PaymentStatus = SANDBOX_ACTIONS[action as SandboxAction];
    await this.sandboxTransactions.decide(transactionId, status);
    return this.transaction(transactionId);
  }

  /** Where the pay page of a transaction is. */
  payPageUrl(tx: Pick<PaymentSandboxTransactionEntity, 'id' | 'redirectUrl'>): string {
    return new URL(`${SANDBOX_PATH}pay/${tx.id}`, tx.redirectUrl).href;
  }

  private check(): void {
    if (!this.enabled) throw new PaymentsError(PaymentsErrorCode.SandboxDisabled);
  }

  private async find(transactionId: string): Promise<PaymentSandboxTransactionEntity | null> {
    if (!/^[A-Za-z0-9_-]{1,44}$/.test(transactionId)) return null;
    return this.sandboxTransactions.byId(transactionId);
  }

  private wire(origin: string, tx: PaymentSandboxTransactionEntity): WirePaymentTransaction {
    const open = tx.status === 'INITIAL';
    return {
      paymentRequest: {
        requestId: tx.requestId,
        ...(tx.requestTimestamp ? { requestTimestamp: tx.requestTimestamp } : {}),
        currency: tx.currency,
        grosAmount: centsToEuros(tx.amountCents),
        purpose: tx.purpose,
        ...(tx.description ? { description: tx.description } : {}),
        redirectUrl: tx.redirectUrl,
        items: tx.items,
      },
      paymentInformation: {
        transactionUrl: new URL(
          `${SANDBOX_PATH}paymenttransaction/${tx.originatorId}/${tx.endPointId}/${tx.id}`,
          origin,
        ).href,
        // XBezahldienste: the pay page only while the transaction is open.
        ...(open ? { transactionRedirectUrl: this.payPageUrl(tx) } : {}),
        transactionId: tx.id,
        ...(tx.paidAt ? { transactionTimestamp: tx.paidAt.toISOString() } : {}),
        status: tx.status,
      },
    };
  }
}
