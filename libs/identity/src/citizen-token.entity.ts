import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

/**
 * `verify` and `reset` are sent as links; `exists` marks that an "you already have an account" mail
 * went out (its token is never sent nor accepted), so that such mails come at most now and then.
 */
export const CITIZEN_TOKEN_PURPOSES = ['verify', 'reset', 'exists'] as const;
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
