import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum DeliveryErrorCode {
  NotFound = 'delivery.not_found',
  /** A hand-off that is on its way or through cannot be sent again. */
  NotFailed = 'delivery.not_failed',
  /** A file link that is forged, expired or names a file the hand-off does not carry. */
  LinkInvalid = 'delivery.link_invalid',
}

const kinds: Record<DeliveryErrorCode, ErrorKind> = {
  [DeliveryErrorCode.NotFound]: 'not_found',
  [DeliveryErrorCode.NotFailed]: 'conflict',
  [DeliveryErrorCode.LinkInvalid]: 'not_found',
};

/** Hand-offs of applications to the offices' software. */
export class DeliveryError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: DeliveryErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}
