import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum IdentityErrorCode {
  InvalidCredentials = 'identity.invalid_credentials',
  NotLoggedIn = 'identity.not_logged_in',
  Forbidden = 'identity.forbidden',
  InvalidInput = 'identity.invalid_input',
  EmailTaken = 'identity.email_taken',
  PasswordChangeRequired = 'identity.password_change_required',
  /** The password was right, the e-mail address is not confirmed yet. */
  EmailNotVerified = 'identity.email_not_verified',
  /** A link from an e-mail that is unknown, used or expired. */
  InvalidToken = 'identity.invalid_token',
  CsrfMissing = 'identity.csrf_missing',
  CsrfInvalid = 'identity.csrf_invalid',
  /** The session's trust level is below what the action needs (`{ need }`). */
  TrustLevelTooLow = 'identity.trust_level_too_low',
  /** No OpenID Connect provider is configured (OIDC_ISSUER). */
  NoIdentityProvider = 'identity.no_identity_provider',
  /** The configured provider does not answer. */
  IdentityProviderUnavailable = 'identity.identity_provider_unavailable',
  /** The return from the provider did not check out (state, nonce, code) or was cancelled. */
  StepUpFailed = 'identity.step_up_failed',
  /** The identity provider proved another person than the one bound to the account. */
  OtherIdentity = 'identity.other_identity',
  /** The tenant's region is not loaded: no realm to keep citizen accounts in. */
  RealmUnavailable = 'identity.realm_unavailable',
  /** A TOTP or recovery code that is wrong, too old, or came when the account is locked. */
  TotpInvalid = 'identity.totp_invalid',
  /** A right TOTP code of a time step that was used already. */
  TotpReused = 'identity.totp_reused',
  /** The password was right; the code of the authenticator app is still missing. */
  TotpRequired = 'identity.totp_required',
  /** The account has no second factor yet: it must enrol one before anything else. */
  TotpEnrolmentRequired = 'identity.totp_enrolment_required',
  /** Enrolment asked for when an authenticator is set up already (a tenant admin can reset it). */
  TotpEnrolled = 'identity.totp_enrolled',
  /** No staff account with this id on this tenant. */
  UnknownStaff = 'identity.unknown_staff',
  /** A tenant admin cannot disable their own account or reset their own authenticator. */
  OwnAccount = 'identity.own_account',
}

const kinds: Record<IdentityErrorCode, ErrorKind> = {
  [IdentityErrorCode.InvalidCredentials]: 'unauthenticated',
  [IdentityErrorCode.NotLoggedIn]: 'unauthenticated',
  [IdentityErrorCode.Forbidden]: 'forbidden',
  [IdentityErrorCode.InvalidInput]: 'invalid',
  [IdentityErrorCode.EmailTaken]: 'conflict',
  [IdentityErrorCode.PasswordChangeRequired]: 'forbidden',
  [IdentityErrorCode.EmailNotVerified]: 'forbidden',
  [IdentityErrorCode.InvalidToken]: 'invalid',
  [IdentityErrorCode.CsrfMissing]: 'forbidden',
  [IdentityErrorCode.CsrfInvalid]: 'forbidden',
  [IdentityErrorCode.TrustLevelTooLow]: 'forbidden',
  [IdentityErrorCode.NoIdentityProvider]: 'unavailable',
  [IdentityErrorCode.IdentityProviderUnavailable]: 'unavailable',
  [IdentityErrorCode.StepUpFailed]: 'invalid',
  [IdentityErrorCode.OtherIdentity]: 'forbidden',
  [IdentityErrorCode.RealmUnavailable]: 'unavailable',
  [IdentityErrorCode.TotpInvalid]: 'unauthenticated',
  [IdentityErrorCode.TotpReused]: 'unauthenticated',
  [IdentityErrorCode.TotpRequired]: 'forbidden',
  [IdentityErrorCode.TotpEnrolmentRequired]: 'forbidden',
  [IdentityErrorCode.TotpEnrolled]: 'conflict',
  [IdentityErrorCode.UnknownStaff]: 'not_found',
  [IdentityErrorCode.OwnAccount]: 'conflict',
};

/** Accounts, logins and permissions. */
export class IdentityError extends DomainError {
  declare readonly code: IdentityErrorCode;
  readonly kind: ErrorKind;

  constructor(code: IdentityErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}
