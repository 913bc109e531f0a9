export * from './account-input';
export * from './citizen-account.entity';
export * from './citizen-accounts.service';
export * from './citizen-mailer.port';
export * from './citizen-realms.service';
export * from './citizen-sessions.service';
export * from './citizen-throttle.service';
export * from './citizen-token.entity';
export * from './identity-step-up.service';
export * from './identity.error';
export * from './identity.module';
export * from './password-hash';
export * from './postgres-session.store';
export * from './redis-session.store';
export * from './session-store.port';
export * from './staff-account.entity';
export * from './staff-administration.service';
export * from './staff.service';
export * from './trust-level';
export {
  groupedTotpSecret,
  newRecoveryCodes,
  newTotpSecret,
  normalRecoveryCode,
  openTotpSecret,
  recoveryHash,
  sealTotpSecret,
  totpStep,
  totpUri,
} from './staff-totp';
