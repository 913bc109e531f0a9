import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import type { CitizenTokenPurpose } from './citizen-token.entity';

/** The owner of `citizen_tokens` (the links in mails), kept as digests; each in the caller's transaction. */
@Injectable()
export class CitizenTokensRepository {
  /** Keeps a new token; earlier unused ones of the same purpose stop working. */
  async replace(
    scope: TenantScope,
    accountId: string,
    purpose: CitizenTokenPurpose,
    tokenHash: Buffer,
    hours: number,
  ): Promise<void> {
    await scope.query(
      `update public.citizen_tokens set used_at = now() where account_id = $1 and purpose = $2 and used_at is null`,
      [accountId, purpose],
    );
    await scope.query(
      `insert into public.citizen_tokens (tenant_id, account_id, purpose, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
      [scope.tenantId, accountId, purpose, tokenHash, hours],
    );
  }

  /** Marks the token used and answers its account, in one statement: a token works once, also in parallel. */
  async consume(scope: TenantScope, purpose: CitizenTokenPurpose, tokenHash: Buffer): Promise<string | undefined> {
    const rows = await scope.query<{ account_id: string }>(
      `with used as (
         update public.citizen_tokens set used_at = now()
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
         returning account_id)
       select account_id from used`,
      [tokenHash, purpose],
    );
    return rows[0]?.account_id;
  }

  async usable(scope: TenantScope, purpose: CitizenTokenPurpose, tokenHash: Buffer): Promise<boolean> {
    const rows = await scope.query(
      `select 1 from public.citizen_tokens
        where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()`,
      [tokenHash, purpose],
    );
    return rows.length > 0;
  }

  /** Whether a token of the purpose was issued to the account in the last `seconds`. */
  async issuedWithin(
    scope: TenantScope,
    accountId: string,
    purpose: CitizenTokenPurpose,
    seconds: number,
  ): Promise<boolean> {
    const rows = await scope.query(
      `select 1 from public.citizen_tokens
        where account_id = $1 and purpose = $2 and created_at > now() - make_interval(secs => $3) limit 1`,
      [accountId, purpose, seconds],
    );
    return rows.length > 0;
  }
}
