import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import type { BarrierReport } from './barrier-reports.service';

/** The reports of barriers (`barrier_reports`): added, listed newest first, marked answered. */
@Injectable()
export class BarrierReportsRepository {
  async add(
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

  async recent(scope: TenantScope, limit: number): Promise<BarrierReport[]> {
    const rows = await scope.query<Row>(
      `select id, page, description, email, locale, created_at, answered_at from public.barrier_reports
        order by created_at desc, id limit $1`,
      [limit],
    );
    return rows.map(toReport);
  }

  /** Marks a report answered (the first time counts); false when there is no such report. */
  async answered(scope: TenantScope, id: string): Promise<boolean> {
    const rows = await scope.query(
      `update public.barrier_reports set answered_at = coalesce(answered_at, now()) where id = $1 returning id`,
      [id],
    );
    return rows.length > 0;
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
