import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum BackofficeErrorCode {
  InvalidInput = 'backoffice.invalid_input',
  /** Not there, or in an office the member of staff is not assigned to: the same answer for both. */
  NotFound = 'backoffice.not_found',
  /** An office or colleague the member of staff may not choose. */
  Forbidden = 'backoffice.forbidden',
}

const kinds: Record<BackofficeErrorCode, ErrorKind> = {
  [BackofficeErrorCode.InvalidInput]: 'invalid',
  [BackofficeErrorCode.NotFound]: 'not_found',
  [BackofficeErrorCode.Forbidden]: 'forbidden',
};

export class BackofficeError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: BackofficeErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}

/** A bad value of one input field. */
export const invalidField = (field: string, key = 'invalid', params: Record<string, unknown> = {}): BackofficeError =>
  new BackofficeError(BackofficeErrorCode.InvalidInput, {}, [{ field, key, params }]);
