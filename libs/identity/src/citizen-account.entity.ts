import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

/**
 * A citizen's account. `tenantId` is the realm: the region's tenant for a member of a region,
 * else the tenant itself, so one account serves every portal of a region.
 */
@Entity({ name: 'citizen_accounts' })
export class CitizenAccountEntity extends TenantOwned {
  /** Lower-cased; unique within the realm. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  name: string;

  /** argon2id. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  /** The language of the mails sent to the citizen. */
  @Column({ type: 'text', default: 'de' })
  locale: string;

  /** Login is refused until the address is confirmed. */
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  @Column({ name: 'failed_logins', type: 'integer', default: 0 })
  failedLogins: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Raised by "log out everywhere" and a password reset: sessions of an older generation are void. */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;
}
