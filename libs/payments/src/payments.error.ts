import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum PaymentsErrorCode {
  InvalidInput = 'payments.invalid_input',
  NotFound = 'payments.not_found',
  AlreadyPaid = 'payments.already_paid',
  /** The payment service did not answer, or answered something unusable. */
  ProviderUnavailable = 'payments.provider_unavailable',
  /** No PAYMENT_URL and the sandbox is switched off. */
  NotConfigured = 'payments.not_configured',
  SandboxDisabled = 'payments.sandbox_disabled',
  /** The sandbox already holds a request with this requestId (XBezahldienste: PAYMENT_EXISTS). */
  PaymentExists = 'payments.payment_exists',
  SandboxForbidden = 'payments.sandbox_forbidden',
}

const kinds: Record<PaymentsErrorCode, ErrorKind> = {
  [PaymentsErrorCode.InvalidInput]: 'invalid',
  [PaymentsErrorCode.NotFound]: 'not_found',
  [PaymentsErrorCode.AlreadyPaid]: 'conflict',
  [PaymentsErrorCode.ProviderUnavailable]: 'unavailable',
  [PaymentsErrorCode.NotConfigured]: 'unavailable',
  [PaymentsErrorCode.SandboxDisabled]: 'not_found',
  [PaymentsErrorCode.PaymentExists]: 'conflict',
  [PaymentsErrorCode.SandboxForbidden]: 'forbidden',
};

/** Payments, the payment provider and the built-in sandbox. */
export class PaymentsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: PaymentsErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}
