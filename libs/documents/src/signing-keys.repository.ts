import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import { SigningKeyEntity } from './signing-key.entity';

/** A signing key's row as the queries answer it. */
export interface SigningKeyRow {
  id: string;
  public_key: string;
  private_key: string;
  created_at: Date;
  retired_at: Date | null;
}

/** The owner of `signing_keys`: every statement on it, each in the caller's transaction. */
@Injectable()
export class SigningKeysRepository {
  async current(scope: TenantScope): Promise<SigningKeyRow | undefined> {
    const rows = await scope.query<SigningKeyRow>(
      `select id, public_key, private_key, created_at, retired_at from public.signing_keys
        where tenant_id = $1 and retired_at is null`,
      [scope.tenantId],
    );
    return rows[0];
  }

  /** The tenant's keys, newest first. */
  list(scope: TenantScope): Promise<SigningKeyRow[]> {
    return scope.query<SigningKeyRow>(
      `select id, public_key, private_key, created_at, retired_at from public.signing_keys
        where tenant_id = $1 order by created_at desc`,
      [scope.tenantId],
    );
  }

  byId(scope: TenantScope, id: string): Promise<SigningKeyEntity | null> {
    return scope.findOne(SigningKeyEntity, { id });
  }

  /** Adds a current key unless the tenant has one already (made by another transaction at the same moment). */
  async addCurrent(scope: TenantScope, key: { id: string; publicKey: string; privateKey: string }): Promise<void> {
    await scope.query(
      `insert into public.signing_keys (id, tenant_id, public_key, private_key) values ($1, $2, $3, $4)
       on conflict (tenant_id) where retired_at is null do nothing`,
      [key.id, scope.tenantId, key.publicKey, key.privateKey],
    );
  }

  async retireCurrent(scope: TenantScope): Promise<void> {
    await scope.query(`update public.signing_keys set retired_at = now() where tenant_id = $1 and retired_at is null`, [
      scope.tenantId,
    ]);
  }
}
