import { DomainError, ErrorKind } from '@openrathaus/core';

export enum DatabaseErrorCode {
  InvalidTenant = 'database.invalid_tenant',
  Unavailable = 'database.unavailable',
  ForbiddenStatement = 'database.forbidden_statement',
  NoTransaction = 'database.no_transaction',
  /** A transaction was opened inside another: the embedded database (one session) would wait forever. */
  NestedTransaction = 'database.nested_transaction',
  /** The application connects as a role that row-level security does not hold: superuser, BYPASSRLS or owner. */
  UnsafeRole = 'database.unsafe_role',
  /** Work that only the schema owner may do (writing tenants) found no owner URL. */
  NoOwner = 'database.no_owner',
  /** The embedded database of this data directory is held by a process that does not serve it (yet). */
  EmbeddedHeld = 'database.embedded_held',
}

export class DatabaseError extends DomainError {
  readonly kind: ErrorKind;

  /** `detail`, when given, is the message an operator reads in the log instead of the code and params. */
  constructor(code: DatabaseErrorCode, params: Record<string, unknown> = {}, detail?: string) {
    super(code, params);
    this.message = detail ?? `${code} ${JSON.stringify(params)}`;
    this.kind = code === DatabaseErrorCode.Unavailable ? 'unavailable' : 'internal';
  }
}
