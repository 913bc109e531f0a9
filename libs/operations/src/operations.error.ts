import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum OperationsErrorCode {
  /** Not the operator's host: the console does not exist here. */
  NotFound = 'operations.not_found',
  /** No operator session: log in first. */
  NotLoggedIn = 'operations.not_logged_in',
  /** The login lacks a step (`step`: change_password, enrol_totp, totp). */
  LoginIncomplete = 'operations.login_incomplete',
  /** A session of a tenant's staff or of a citizen: the console is for operators only. */
  Forbidden = 'operations.forbidden',
  /** The e-mail address and password (or code) do not match an operator account. */
  InvalidCredentials = 'operations.invalid_credentials',
  /** No tenant with this slug. */
  TenantNotFound = 'operations.tenant_not_found',
  /** The fields of a new tenant break the rules of tenant files. */
  InvalidTenant = 'operations.invalid_tenant',
  /** Input that is not what the endpoint takes. */
  InvalidInput = 'operations.invalid_input',
  /** The operator e-mail address is taken. */
  EmailTaken = 'operations.email_taken',
  /** No such job in the queue (any more). */
  JobNotFound = 'operations.job_not_found',
  /** Only a failed job may be retried or discarded (`state`: what it is now). */
  JobNotFailed = 'operations.job_not_failed',
}

const kinds: Record<OperationsErrorCode, ErrorKind> = {
  [OperationsErrorCode.NotFound]: 'not_found',
  [OperationsErrorCode.NotLoggedIn]: 'unauthenticated',
  [OperationsErrorCode.LoginIncomplete]: 'forbidden',
  [OperationsErrorCode.Forbidden]: 'forbidden',
  [OperationsErrorCode.InvalidCredentials]: 'unauthenticated',
  [OperationsErrorCode.TenantNotFound]: 'not_found',
  [OperationsErrorCode.InvalidTenant]: 'unprocessable',
  [OperationsErrorCode.InvalidInput]: 'unprocessable',
  [OperationsErrorCode.EmailTaken]: 'conflict',
  [OperationsErrorCode.JobNotFound]: 'not_found',
  [OperationsErrorCode.JobNotFailed]: 'conflict',
};

/** The operator's console: accounts, tenants, onboarding, suspension. */
export class OperationsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: OperationsErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}
