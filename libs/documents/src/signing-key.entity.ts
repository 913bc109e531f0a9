import { Column, Entity } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

/**
 * A tenant's Ed25519 signing key. The private key is sealed (see `key-seal.ts`); a retired key
 * signs nothing more but still verifies the documents it signed.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity extends TenantOwned {
  @Column({ type: 'text', default: 'Ed25519' })
  algorithm: 'Ed25519';

  /** SubjectPublicKeyInfo (DER), base64. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** PKCS #8 (DER) sealed with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  @Column({ name: 'private_key', type: 'text', select: false })
  privateKey: string;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
