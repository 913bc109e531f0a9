import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum ApplicationsErrorCode {
  NotFound = 'applications.not_found',
  NotOnline = 'applications.not_online',
  NotEditable = 'applications.not_editable',
  InvalidAnswers = 'applications.invalid_answers',
  InvalidInput = 'applications.invalid_input',
  UnknownField = 'applications.unknown_field',
  InvalidUpload = 'applications.invalid_upload',
  TooManyFiles = 'applications.too_many_files',
}

const kinds: Record<ApplicationsErrorCode, ErrorKind> = {
  [ApplicationsErrorCode.NotFound]: 'not_found',
  [ApplicationsErrorCode.NotOnline]: 'unprocessable',
  [ApplicationsErrorCode.NotEditable]: 'conflict',
  [ApplicationsErrorCode.InvalidAnswers]: 'unprocessable',
  [ApplicationsErrorCode.InvalidInput]: 'invalid',
  [ApplicationsErrorCode.UnknownField]: 'invalid',
  [ApplicationsErrorCode.InvalidUpload]: 'unprocessable',
  [ApplicationsErrorCode.TooManyFiles]: 'unprocessable',
};

export class ApplicationsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: ApplicationsErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
