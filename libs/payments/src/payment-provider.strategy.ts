/** The states of a payment transaction, as XBezahldienste names them. */
export const PAYMENT_STATUSES = ['INITIAL', 'PAYED', 'FAILED', 'CANCELED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What a provider needs to open a payment transaction. */
export interface CreateTransaction {
  amountCents: number;
  currency: 'EUR';
  /** Verwendungszweck: at most 27 characters the standard allows; see {@link paymentPurpose}. */
  purpose: string;
  /** The business reference (e.g. the application's number), shown to the payer and the cash office. */
  reference: string;
  /** Where the payment service sends the browser back; nothing it appends there is trusted. */
  returnUrl: string;
  /** The tenant whose cash office receives the money (XBezahldienste: the end point). */
  tenantSlug: string;
  description?: string;
  /**
   * Unique id of this attempt (XBezahldienste: requestId, at most 36 of `[A-Za-z0-9_-]`); the
   * service refuses a second request with the same id, so a retried call cannot open two
   * transactions. A random id when left out.
   */
  requestId?: string;
}

/** A transaction the provider opened: where to send the payer. */
export interface CreatedTransaction {
  transactionId: string;
  paymentUrl: string;
}

/** What the provider says about a transaction now. */
export interface TransactionStatus {
  status: PaymentStatus;
  amountCents: number;
  reference: string;
}

/**
 * A payment service: opens transactions and tells their state. The default is
 * {@link XBezahldiensteClient}; another provider (a PSP without XBezahldienste) implements this and
 * is bound to {@link PAYMENT_PROVIDER}.
 */
export interface PaymentProvider {
  /** Recorded with every payment, so that a later change of provider keeps old payments readable. */
  readonly name: string;
  create(input: CreateTransaction): Promise<CreatedTransaction>;
  /** `tenantSlug` names the end point the transaction was opened at. */
  status(transactionId: string, tenantSlug: string): Promise<TransactionStatus>;
  /**
   * Pays a paid transaction back to the payer, where the service can: `refunded: false` when it
   * cannot (the office then pays it out itself). A provider without refunds leaves this out.
   */
  refund?(input: RefundTransaction): Promise<{ refunded: boolean }>;
}

/** What a provider needs to pay a transaction back. */
export interface RefundTransaction {
  transactionId: string;
  tenantSlug: string;
  amountCents: number;
}

/** Injection token of the {@link PaymentProvider} in use. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
