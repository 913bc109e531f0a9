import { DomainError, ErrorKind } from '@openrathaus/core';

export enum JobsErrorCode {
  InvalidPayload = 'jobs.invalid_payload',
  NoHandler = 'jobs.no_handler',
}

export class JobsError extends DomainError {
  readonly kind: ErrorKind = 'internal';

  constructor(code: JobsErrorCode, params: Record<string, unknown> = {}) {
    super(code, params);
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
