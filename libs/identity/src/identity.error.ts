import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum IdentityErrorCode {
  InvalidCredentials = 'identity.invalid_credentials',
  NotLoggedIn = 'identity.not_logged_in',
  Forbidden = 'identity.forbidden',
  InvalidInput = 'identity.invalid_input',
  EmailTaken = 'identity.email_taken',
  PasswordChangeRequired = 'identity.password_change_required',
}

const kinds: Record<IdentityErrorCode, ErrorKind> = {
  [IdentityErrorCode.InvalidCredentials]: 'unauthenticated',
  [IdentityErrorCode.NotLoggedIn]: 'unauthenticated',
  [IdentityErrorCode.Forbidden]: 'forbidden',
  [IdentityErrorCode.InvalidInput]: 'invalid',
  [IdentityErrorCode.EmailTaken]: 'conflict',
  [IdentityErrorCode.PasswordChangeRequired]: 'forbidden',
};

/** Accounts, logins and permissions. */
export class IdentityError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: IdentityErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}
