import { Injectable } from '@nestjs/common';
import { FieldFault, isUuid } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { Mailer } from '@openrathaus/messaging';
import type { Tenant } from '@openrathaus/tenancy';
import { BackofficeError, BackofficeErrorCode } from './backoffice.error';

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
      const kept = await this.add(scope, { ...report, email: report.email || null, locale });
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
    return this.transactions.run(tenant.id, async (scope) => {
      const rows = await scope.query<Row>(
        `select id, page, description, email, locale, created_at, answered_at from public.barrier_reports
          order by created_at desc, id limit $1`,
        [limit],
      );
      return rows.map(toReport);
    });
  }

  /** Marks a report answered; an unknown id is 404. */
  async answered(tenant: Tenant, id: string): Promise<void> {
    if (!isUuid(id)) throw new BackofficeError(BackofficeErrorCode.NotFound, { id });
    const rows = await this.transactions.run(tenant.id, (scope) =>
      scope.query(
        `update public.barrier_reports set answered_at = coalesce(answered_at, now()) where id = $1 returning id`,
        [id],
      ),
    );
    if (!rows.length) throw new BackofficeError(BackofficeErrorCode.NotFound, { id });
  }

  private async add(
    scope: TenantScope,
    report: { page: string; description: string; email: string | null; locale: string },
  ): Promise<BarrierReport> {
    const [row] = await scope.query<Row>(
      `insert into public.barrier_reports (tenant_id, page, description, email, locale)
       values ($1, $2, $3, $4, $5)
       returning id, page, description, email, locale, created_at, answered_at`,
      [scope.tenantId, report.page, report.description, report.email, report.locale],
    );
    return toReport(row);
  }
}

interface Row {
  id: string;
  page: string;
  description: string;
  email: string | null;
  locale: string;
  created_at: Date;
  answered_at: Date | null;
}

const toReport = (row: Row): BarrierReport => ({
  id: row.id,
  page: row.page,
  description: row.description,
  email: row.email,
  locale: row.locale,
  createdAt: row.created_at,
  answeredAt: row.answered_at,
});
