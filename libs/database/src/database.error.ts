import { DomainError, ErrorKind } from '@openrathaus/core';

export enum DatabaseErrorCode {
  InvalidTenant = 'database.invalid_tenant',
  Unavailable = 'database.unavailable',
  ForbiddenStatement = 'database.forbidden_statement',
  NoTransaction = 'database.no_transaction',
  /** A transaction was opened inside another: the embedded database (one session) would wait forever. */
  NestedTransaction = 'database.nested_transaction',
}

export class DatabaseError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: DatabaseErrorCode, params: Record<string, unknown> = {}) {
    super(code, params);
    this.message = `${code} ${JSON.stringify(params)}`;
    this.kind = code === DatabaseErrorCode.Unavailable ? 'unavailable' : 'internal';
  }
}
