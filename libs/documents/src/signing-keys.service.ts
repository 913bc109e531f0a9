import { KeyObject, createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { DocumentsError, DocumentsErrorCode } from './documents.error';
import { openPrivateKey, sealPrivateKey } from './key-seal';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeyRow, SigningKeysRepository } from './signing-keys.repository';

/** A signing key as operators see it (never the private part). */
export interface SigningKeyInfo {
  id: string;
  algorithm: 'Ed25519';
  /** SubjectPublicKeyInfo (DER), base64. */
  publicKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** The key that signs for a tenant now. */
export interface Signer {
  keyId: string;
  privateKey: KeyObject;
}

const info = (row: SigningKeyRow): SigningKeyInfo => ({
  id: row.id,
  algorithm: 'Ed25519',
  publicKey: row.public_key,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
});

/**
 * Each tenant's Ed25519 signing keys: one current key (made on first use), any number of retired
 * ones that still verify what they signed. Private keys are kept sealed under the platform secret.
 */
@Injectable()
export class SigningKeys {
  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeysRepository,
  ) {}

  /** The tenant's current key, ready to sign; made when the tenant has none. */
  async signer(tenantId: string): Promise<Signer> {
    return this.transactions.run(tenantId, (scope) => this.signerIn(scope));
  }

  /** {@link signer} in the caller's transaction. */
  async signerIn(scope: TenantScope): Promise<Signer> {
    const tenantId = scope.tenantId;
    const row = (await this.keys.current(scope)) ?? (await this.create(scope));
    try {
      const der = openPrivateKey(this.config.secret, this.context(tenantId, row.id), row.private_key);
      return { keyId: row.id, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
    } catch {
      // The secret changed since the key was made (or the row was altered): signing stops until an
      // operator rotates the key; documents it signed still verify with its public key.
      throw new DocumentsError(DocumentsErrorCode.KeyUnreadable, { keyId: row.id });
    }
  }

  /** Retires the current key (it still verifies what it signed) and makes a new one; returns the new one. */
  async rotate(tenantId: string): Promise<SigningKeyInfo> {
    return this.transactions.run(tenantId, async (scope) => {
      await this.keys.retireCurrent(scope);
      return info(await this.create(scope));
    });
  }

  /** The tenant's keys, newest first. */
  async list(tenantId: string): Promise<SigningKeyInfo[]> {
    return this.transactions.run(tenantId, async (scope) => (await this.keys.list(scope)).map(info));
  }

  /** A key by its id, current or retired, in the caller's transaction (to verify what it signed). */
  find(scope: TenantScope, keyId: string): Promise<SigningKeyEntity | null> {
    return this.keys.byId(scope, keyId);
  }

  /** A new current key; when another transaction made one at the same moment, that one. */
  private async create(scope: TenantScope): Promise<SigningKeyRow> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const id = randomUUID();
    const sealed = sealPrivateKey(
      this.config.secret,
      this.context(scope.tenantId, id),
      privateKey.export({ format: 'der', type: 'pkcs8' }),
    );
    await this.keys.addCurrent(scope, {
      id,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      privateKey: sealed,
    });
    const row = await this.keys.current(scope);
    if (!row) throw new DocumentsError(DocumentsErrorCode.KeyUnreadable, { keyId: id });
    return row;
  }

  /** Binds a sealed key to its tenant and id: copied into another row, it does not open. */
  private context(tenantId: string, keyId: string): string {
    return `signing-key:${tenantId}:${keyId}`;
  }
}
