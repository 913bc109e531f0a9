import type { PaymentStatus } from './payment-provider.strategy';

/*
 * The JSON of XBezahldienste 1.0 (FITKO, https://docs.fitko.de/xbezahldienste/APIDoku/versionen/v1.0.0/),
 * as far as OpenRathaus uses it:
 *   POST {base}/paymenttransaction/{originatorId}/{endPointId}                  PaymentRequest -> PaymentTransaction
 *   GET  {base}/paymenttransaction/{originatorId}/{endPointId}/{transactionId}  -> PaymentTransaction
 * Amounts are decimal euros. The optional parts (requestor, bookingData, tax details) are left out.
 */

/** One position of a payment request. */
export interface WireItem {
  id: string;
  reference?: string;
  description?: string;
  quantity?: number;
  taxRate?: number;
  singleNetAmount?: number;
  singleTaxAmount?: number;
  totalNetAmount: number;
  totalTaxAmount?: number;
}

/** What the online service asks the payment service for. */
export interface WirePaymentRequest {
  requestId: string;
  requestTimestamp?: string;
  currency: string;
  grosAmount: number;
  purpose: string;
  description?: string;
  redirectUrl: string;
  items: WireItem[];
}

/** What the payment service knows about the transaction. */
export interface WirePaymentInformation {
  /** The REST URL of the transaction (status). */
  transactionUrl?: string;
  /** The pay page; only while the transaction is INITIAL. */
  transactionRedirectUrl?: string;
  transactionId: string;
  /** The cash office's reference (Kassenzeichen), where the service assigns one. */
  transactionReference?: string;
  /** When the payment was made. */
  transactionTimestamp?: string;
  paymentMethod?: string;
  status: PaymentStatus;
  statusDetail?: string;
}

/** The answer to both calls. */
export interface WirePaymentTransaction {
  paymentRequest: WirePaymentRequest;
  paymentInformation: WirePaymentInformation;
}
