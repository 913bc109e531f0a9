import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

export const STAFF_ROLES = ['caseworker', 'tenant-admin', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A member of a town hall's staff (or of the IT provider's): one tenant, one role, offices for caseworkers. */
@Entity({ name: 'staff_accounts' })
export class StaffAccountEntity extends TenantOwned {
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  role: StaffRole;

  /** argon2id. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword: boolean;

  @Column({ name: 'failed_logins', type: 'integer', default: 0 })
  failedLogins: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** Office ids of the tenant (`offices[].id` in `tenant.yaml`); empty for the roles that see all. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  offices: string[];

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Raised to end every session of the account at once (disabled, authenticator reset). */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration: number;

  /** The TOTP secret, sealed with the platform secret; set at the start of enrolment. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true })
  totpSecret: string | null;

  /** When the first code confirmed the secret; until then the account has no second factor. */
  @Column({ name: 'totp_enrolled_at', type: 'timestamptz', nullable: true })
  totpEnrolledAt: Date | null;

  /** The last 30-second step whose code was accepted: a code is good once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep: string | null;

  /** SHA-256 of each unused recovery code. */
  @Column({ name: 'recovery_codes', type: 'text', array: true, default: () => "'{}'" })
  recoveryCodes: string[];
}
