import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

export const STAFF_ROLES = ['caseworker', 'tenant-admin', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A member of a town hall's staff (or of the IT provider's): one tenant, one role. */
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
}
