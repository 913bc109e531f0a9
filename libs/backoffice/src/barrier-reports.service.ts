import { Injectable } from '@nestjs/common';
import { FieldFault, isUuid } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { Mailer } from '@openrathaus/messaging';
import type { Tenant } from '@openrathaus/tenancy';
import { BackofficeError, BackofficeErrorCode } from './backoffice.error';
import { BarrierReportsRepository } from './barrier-reports.repository';

/** A barrier someone met on the portal (BITV 2.0 feedback mechanism). */
export interface BarrierReport {
  id: string;
  /** The page it happened on, as the visitor named it. */
  page: string;
  description: string;
  /** Where to answer; none when the visitor gave none. */
  email: string | null;
  /** The language of the page the report was written on. */
  locale: string;
  createdAt: Date;
  answeredAt: Date | null;
}

export interface BarrierReportInput {
  page?: unknown;
  description?: unknown;
  email?: unknown;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * Reports of barriers: written by anyone on the accessibility statement's form, mailed to the
 * tenant's office (in the same transaction, through the outbox: a report that is kept is sent) and
 * listed in its back office, where they are marked answered.
 */
@Injectable()
export class BarrierReports {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly mailer: Mailer,
    private readonly repository: BarrierReportsRepository,
  ) {}

  /** Checks and keeps a report and queues its mail; a fault names its field (400). */
  async report(tenant: Tenant, input: BarrierReportInput, locale: string): Promise<BarrierReport> {
    const report = { page: text(input.page), description: text(input.description), email: text(input.email) };
    const fields: FieldFault[] = [];
    if (report.page.length > 500) fields.push({ field: 'page', key: 'too_long' });
    if (!report.description) fields.push({ field: 'description', key: 'required' });
    else if (report.description.length > 5000) fields.push({ field: 'description', key: 'too_long' });
    if (report.email && (report.email.length > 254 || !EMAIL.test(report.email))) {
      fields.push({ field: 'email', key: 'email' });
    }
    if (fields.length) throw new BackofficeError(BackofficeErrorCode.InvalidInput, {}, fields);
    const to = tenant.config.accessibility?.feedbackEmail ?? tenant.config.contact?.email;
    return this.transactions.run(tenant.id, async (scope) => {
      const kept = await this.repository.add(scope, { ...report, email: report.email || null, locale });
      // The office reads German; the report itself is quoted as written.
      if (to) {
        await this.mailer.queue(scope, {
          to,
          locale: 'de',
          template: 'barrier-report',
          data: { page: kept.page, description: kept.description, email: kept.email ?? '', locale },
        });
      }
      return kept;
    });
  }

  /** The newest reports first. */
  recent(tenant: Tenant, limit = 100): Promise<BarrierReport[]> {
    return this.transactions.run(tenant.id, (scope) => this.repository.recent(scope, limit));
  }

  /** Marks a report answered; an unknown id is 404. */
  async answered(tenant: Tenant, id: string): Promise<void> {
    if (!isUuid(id)) throw new BackofficeError(BackofficeErrorCode.NotFound, { id });
    const found = await this.transactions.run(tenant.id, (scope) => this.repository.answered(scope, id));
    if (!found) throw new BackofficeError(BackofficeErrorCode.NotFound, { id });
  }
}
