import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum BackofficeErrorCode {
  InvalidInput = 'backoffice.invalid_input',
  /** Well-formed, but not acceptable: an empty note, an office the tenant has not, a colleague of another office. */
  Unacceptable = 'backoffice.unacceptable',
  /** Not there, or in an office the member of staff is not assigned to: the same answer for both. */
  NotFound = 'backoffice.not_found',
  /** An office or colleague the member of staff may not choose. */
  Forbidden = 'backoffice.forbidden',
}

const kinds: Record<BackofficeErrorCode, ErrorKind> = {
  [BackofficeErrorCode.InvalidInput]: 'invalid',
  [BackofficeErrorCode.Unacceptable]: 'unprocessable',
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

/** A malformed value of one input field (400). */
export const invalidField = (field: string, key = 'invalid', params: Record<string, unknown> = {}): BackofficeError =>
  new BackofficeError(BackofficeErrorCode.InvalidInput, {}, [{ field, key, params }]);

/** A well-formed value of one field that cannot be taken (422). */
export const unacceptableField = (
  field: string,
  key = 'invalid',
  params: Record<string, unknown> = {},
): BackofficeError => new BackofficeError(BackofficeErrorCode.Unacceptable, {}, [{ field, key, params }]);
