import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

export const CITIZEN_TOKEN_PURPOSES = ['verify', 'reset'] as const;
export type CitizenTokenPurpose = (typeof CITIZEN_TOKEN_PURPOSES)[number];

/** A token sent by e-mail: only its SHA-256 is kept, it expires and works once. */
@Entity({ name: 'citizen_tokens' })
export class CitizenTokenEntity extends TenantOwned {
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ type: 'text' })
  purpose: CitizenTokenPurpose;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
