import { Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { TenantErrorsRepository } from './tenant-errors.repository';

/**
 * The per-tenant error counter behind the console's `errors24h`: the portal's error answer counts
 * every unexpected failure (5xx) of a tenant's request here, in the database, so that the count
 * is the same whichever instance answered.
 */
@Injectable()
export class TenantErrors {
  private readonly logger = new Logger(TenantErrors.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly rows: TenantErrorsRepository,
  ) {}

  /**
   * Counts a failure of `tenantId`'s request. Never throws: a failure to count (the database is
   * what failed, say) is logged, and the answer to the citizen goes out as it would.
   */
  async record(tenantId: string): Promise<void> {
    if (!isUuid(tenantId)) return;
    try {
      await this.transactions.run(tenantId, (scope) => this.rows.count(scope));
    } catch (error) {
      this.logger.warn({ tenantId, err: error }, 'could not count a tenant error');
    }
  }
}
