import { DomainError, ErrorKind } from '@openrathaus/core';

export enum ApplicationsErrorCode {
  NotFound = 'applications.not_found',
  NotOnline = 'applications.not_online',
}

const kinds: Record<ApplicationsErrorCode, ErrorKind> = {
  [ApplicationsErrorCode.NotFound]: 'not_found',
  [ApplicationsErrorCode.NotOnline]: 'unprocessable',
};

export class ApplicationsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: ApplicationsErrorCode, params: Record<string, unknown> = {}) {
    super(code, params);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
