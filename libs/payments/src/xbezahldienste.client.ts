import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig, FieldFault, findContext } from '@openrathaus/core';
import {
  CreateTransaction,
  CreatedTransaction,
  PAYMENT_STATUSES,
  PaymentProvider,
  RefundTransaction,
  TransactionStatus,
} from './payment-provider.strategy';
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
import type { WirePaymentRequest, WirePaymentTransaction } from './xbezahldienste.wire';

/** Settings of the client; each defaults to the configuration's `payments` section. */
export interface XBezahldiensteOptions {
  /** How long one call may take, body included (`PAYMENT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** This installation's originatorId (`PAYMENT_ORIGINATOR_ID`). */
  originatorId: string;
  /** Whether the built-in sandbox may be used when no PAYMENT_URL is set (`PAYMENT_SANDBOX`). */
  sandboxEnabled: boolean;
}

/** Injection token of partial {@link XBezahldiensteOptions}. */
export const XBEZAHLDIENSTE_OPTIONS = Symbol('XBEZAHLDIENSTE_OPTIONS');

/**
 * The default {@link PaymentProvider}: the REST interface of XBezahldienste 1.0 (ePayBL, pmPayment
 * and others offer it) at `PAYMENT_URL`, or the built-in sandbox on this portal when none is set.
 * The end point is the tenant's slug; authentication towards a real service (mutual TLS or
 * OAuth client credentials, agreed per service) is not built yet.
 */
@Injectable()
export class XBezahldiensteClient implements PaymentProvider {
  readonly name = 'xbezahldienste';
  private readonly logger = new Logger('Payments');
  private readonly options: XBezahldiensteOptions;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(XBEZAHLDIENSTE_OPTIONS) options?: Partial<XBezahldiensteOptions>,
  ) {
    this.options = {
      timeoutMs: config.payments.timeoutMs,
      originatorId: config.payments.originatorId,
      sandboxEnabled: config.payments.sandbox,
      ...options,
    };
  }

  async create(input: CreateTransaction): Promise<CreatedTransaction> {
    const requestId = input.requestId ?? randomUUID();
    const faults = [
      amountFault(input.amountCents),
      purposeFault(input.purpose),
      urlFault(input.returnUrl, 'returnUrl'),
      input.currency === 'EUR' ? undefined : { field: 'currency', key: 'payments.currency' },
      ID_PATTERN.test(input.reference) ? undefined : { field: 'reference', key: 'payments.id' },
      ID_PATTERN.test(input.tenantSlug) ? undefined : { field: 'tenantSlug', key: 'payments.id' },
      ID_PATTERN.test(requestId) ? undefined : { field: 'requestId', key: 'payments.id' },
      input.description === undefined || DESCRIPTION_PATTERN.test(input.description)
        ? undefined
        : { field: 'description', key: 'payments.description' },
    ].filter((f): f is FieldFault => f !== undefined);
    if (faults.length) throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, faults);
    const euros = centsToEuros(input.amountCents);
    const request: WirePaymentRequest = {
      requestId,
      requestTimestamp: new Date().toISOString(),
      currency: input.currency,
      grosAmount: euros,
      purpose: input.purpose,
      ...(input.description ? { description: input.description } : {}),
      redirectUrl: input.returnUrl,
      // One position: fees of a municipality carry no VAT.
      items: [
        {
          id: '1',
          reference: input.reference,
          description: input.description ?? input.purpose,
          quantity: 1,
          taxRate: 0,
          singleNetAmount: euros,
          singleTaxAmount: 0,
          totalNetAmount: euros,
          totalTaxAmount: 0,
        },
      ],
    };
    const answer = await this.call('POST', this.path(input.tenantSlug), request);
    const paymentUrl = answer.paymentInformation.transactionRedirectUrl;
    if (answer.paymentInformation.status !== 'INITIAL' || urlFault(paymentUrl, 'transactionRedirectUrl')) {
      throw this.unusable('create', 'no pay page in the answer');
    }
    return { transactionId: answer.paymentInformation.transactionId, paymentUrl: paymentUrl! };
  }

  async status(transactionId: string, tenantSlug: string): Promise<TransactionStatus> {
    if (!/^[A-Za-z0-9_-]{1,44}$/.test(transactionId) || !ID_PATTERN.test(tenantSlug)) {
      throw new PaymentsError(PaymentsErrorCode.NotFound);
    }
    const answer = await this.call('GET', `${this.path(tenantSlug)}/${transactionId}`);
    const amountCents = eurosToCents(answer.paymentRequest?.grosAmount);
    if (answer.paymentInformation.transactionId !== transactionId || amountCents === undefined) {
      throw this.unusable('status', 'another transaction or no amount in the answer');
    }
    const reference =
      answer.paymentRequest.items?.[0]?.reference ??
      answer.paymentInformation.transactionReference ??
      answer.paymentRequest.requestId;
    return { status: answer.paymentInformation.status, amountCents, reference };
  }

  /**
   * XBezahldienste 1.0 has no refund operation: against a real service the office pays a refund
   * out itself (`refunded: false`). The built-in sandbox offers one beside the standard
   * (`POST …/{transactionId}/refund`), so that the whole way of a refund can be tried.
   */
  async refund(input: RefundTransaction): Promise<{ refunded: boolean }> {
    if (this.config.paymentUrl) return { refunded: false };
    if (!/^[A-Za-z0-9_-]{1,44}$/.test(input.transactionId) || !ID_PATTERN.test(input.tenantSlug)) {
      throw new PaymentsError(PaymentsErrorCode.NotFound);
    }
    const answer = await this.call('POST', `${this.path(input.tenantSlug)}/${input.transactionId}/refund`, {
      amount: centsToEuros(input.amountCents),
    });
    return { refunded: answer.paymentInformation.transactionId === input.transactionId };
  }

  /** The base URL, resolved per call: the portal's port is known only once it listens. */
  private base(): string {
    if (this.config.paymentUrl) {
      return this.config.paymentUrl.endsWith('/') ? this.config.paymentUrl : `${this.config.paymentUrl}/`;
    }
    if (!this.options.sandboxEnabled) throw new PaymentsError(PaymentsErrorCode.NotConfigured);
    const host = ['', '0.0.0.0', '::'].includes(this.config.host) ? '127.0.0.1' : this.config.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.config.port}${SANDBOX_PATH}`;
  }

  private path(tenantSlug: string): string {
    const originator = this.options.originatorId;
    if (!ID_PATTERN.test(originator)) throw new PaymentsError(PaymentsErrorCode.NotConfigured);
    return new URL(`paymenttransaction/${originator}/${tenantSlug}`, this.base()).href;
  }

  private async call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<WirePaymentTransaction> {
    const correlationId = findContext()?.correlationId;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(correlationId ? { 'x-request-id': correlationId } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect would carry the request to a host nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const reason = (error as Error)?.name === 'TimeoutError' ? 'timeout' : 'unreachable';
      this.logger.warn({ err: error, method, url: this.redacted(url), reason }, 'payment service not reached');
      throw new PaymentsError(PaymentsErrorCode.ProviderUnavailable, { reason });
    }
    if (status < 200 || status > 299) {
      this.logger.warn(
        { method, url: this.redacted(url), status, body: text.slice(0, 500) },
        'payment service refused',
      );
      throw new PaymentsError(PaymentsErrorCode.ProviderUnavailable, { reason: `status ${status}` });
    }
    let answer: WirePaymentTransaction;
    try {
      answer = JSON.parse(text) as WirePaymentTransaction;
    } catch {
      throw this.unusable(method, 'not JSON');
    }
    const info = answer?.paymentInformation;
    if (
      !info ||
      typeof info.transactionId !== 'string' ||
      !PAYMENT_STATUSES.includes(info.status) ||
      typeof answer.paymentRequest !== 'object' ||
      answer.paymentRequest === null
    ) {
      throw this.unusable(method, 'no paymentInformation');
    }
    return answer;
  }

  private unusable(call: string, why: string): PaymentsError {
    this.logger.warn({ call, why }, 'payment service answered something unusable');
    return new PaymentsError(PaymentsErrorCode.ProviderUnavailable, { reason: 'answer' });
  }

  /** Credentials in a configured URL stay out of the log. */
  private redacted(url: string): string {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  }
}
