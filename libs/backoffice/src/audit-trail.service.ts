import { Injectable } from '@nestjs/common';
import { isUuid } from '@openrathaus/core';
import { AuditEntry, AuditLog, TenantTransactions } from '@openrathaus/database';
import { Tenant } from '@openrathaus/tenancy';
import { invalidField } from './backoffice.error';

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

const PAGE = 50;

/** The tenant's audit trail for its admin: who did what, who looked at which application; newest first. */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditLog,
  ) {}

  async page(tenant: Tenant, options: { cursor?: unknown; action?: unknown }): Promise<AuditPage> {
    const before = options.cursor === undefined || options.cursor === '' ? undefined : decode(options.cursor);
    const prefix = options.action === undefined || options.action === '' ? undefined : options.action;
    if (prefix !== undefined && (typeof prefix !== 'string' || !/^[a-z_.]{1,64}$/.test(prefix)))
      throw invalidField('action');
    const rows = await this.transactions.run(tenant.id, (scope) =>
      this.auditLog.page(scope, { limit: PAGE + 1, prefix, before }),
    );
    const entries = rows.slice(0, PAGE);
    const last = entries[entries.length - 1];
    return {
      entries,
      nextCursor:
        rows.length > PAGE && last
          ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
          : null,
    };
  }
}

function decode(cursor: unknown): { createdAt: Date; id: string } {
  if (typeof cursor !== 'string' || cursor.length > 200) throw invalidField('cursor');
  const [at, id, rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (rest !== undefined || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw invalidField('cursor');
  return { createdAt, id };
}
