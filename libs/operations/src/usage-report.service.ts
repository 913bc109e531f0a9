import { Injectable } from '@nestjs/common';
import { Applications } from '@openrathaus/applications';
import type { Period } from '@openrathaus/database';
import { Documents } from '@openrathaus/documents';
import { Mailer } from '@openrathaus/messaging';
import { Payments } from '@openrathaus/payments';
import { TenantRegistry } from '@openrathaus/tenancy';
import { OperationsError, OperationsErrorCode } from './operations.error';
import { OperatorAudit } from './operator-audit.service';
import type { OperatorSession } from './operator-session';

/** Billing months are the municipalities' months. */
const ZONE = 'Europe/Berlin';
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** One tenant's figures of a month. */
export interface UsageRow {
  tenant: string;
  name: string;
  kind: string;
  /** Applications submitted in the month. */
  applications: number;
  /** Documents issued. */
  documents: number;
  /** E-mails sent. */
  mails: number;
  /** Payments received, and their sum in cents. */
  payments: number;
  paidCents: number;
  /** Bytes of the files citizens uploaded. */
  storageBytes: number;
}

export interface UsageReportView {
  month: string;
  from: Date;
  to: Date;
  tenants: UsageRow[];
  totals: Omit<UsageRow, 'tenant' | 'name' | 'kind'>;
}

/** The offset of `zone` from UTC at instant `t`, in milliseconds. */
function offsetAt(t: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(t);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - t;
}

/** Midnight of the first day of a month in `zone` (no clock change falls on a first at midnight). */
const monthStart = (year: number, month: number): Date => {
  const utc = Date.UTC(year, month - 1, 1);
  return new Date(utc - offsetAt(utc, ZONE));
};

/** The current month in the billing zone, as `YYYY-MM`. */
export const currentMonth = (now = new Date()): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);

/** `YYYY-MM` as the period it names; a 422 naming `month` for anything else. */
export function monthPeriod(month: unknown): Period & { month: string } {
  const match = typeof month === 'string' ? MONTH.exec(month) : null;
  const year = match ? Number(match[1]) : 0;
  if (!match || year < 2000 || year > 2999) {
    throw new OperationsError(OperationsErrorCode.InvalidInput, {}, [{ field: 'month', key: 'operations_month' }]);
  }
  const m = Number(match[2]);
  return {
    month: match[0],
    from: monthStart(year, m),
    to: m === 12 ? monthStart(year + 1, 1) : monthStart(year, m + 1),
  };
}

/** A CSV cell: quoted where needed, and never read as a formula by a spreadsheet. */
const cell = (value: string | number): string => {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Usage per tenant and month for billing: applications, documents, mails, payments, storage.
 * Each figure comes from the lib that owns its table, counted across tenants under that table's
 * usage policy; the tenants without any use appear with zeros.
 */
@Injectable()
export class UsageReport {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly applications: Applications,
    private readonly documents: Documents,
    private readonly mailer: Mailer,
    private readonly payments: Payments,
    private readonly audit: OperatorAudit,
  ) {}

  async month(month: unknown): Promise<UsageReportView> {
    const period = monthPeriod(month);
    const [applications, documents, mails, payments] = [
      await this.applications.usage(period),
      await this.documents.usage(period),
      await this.mailer.usage(period),
      await this.payments.usage(period),
    ];
    const byTenant = new Map<string, UsageRow>();
    for (const tenant of this.registry.all()) {
      byTenant.set(tenant.id, {
        tenant: tenant.slug,
        name: tenant.name,
        kind: tenant.kind,
        applications: 0,
        documents: 0,
        mails: 0,
        payments: 0,
        paidCents: 0,
        storageBytes: 0,
      });
    }
    const add = (tenantId: string, values: Partial<UsageRow>) => {
      const row = byTenant.get(tenantId);
      if (row) Object.assign(row, values);
    };
    for (const r of applications) add(r.tenantId, { applications: r.applications, storageBytes: r.storageBytes });
    for (const r of documents) add(r.tenantId, { documents: r.documents });
    for (const r of mails) add(r.tenantId, { mails: r.mails });
    for (const r of payments) add(r.tenantId, { payments: r.payments, paidCents: r.paidCents });
    const tenants = [...byTenant.values()].sort((a, b) => a.tenant.localeCompare(b.tenant));
    const totals = { applications: 0, documents: 0, mails: 0, payments: 0, paidCents: 0, storageBytes: 0 };
    for (const row of tenants)
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key];
    return { month: period.month, from: period.from, to: period.to, tenants, totals };
  }

  /** The month's report as CSV for billing, its export audited (every tenant's figures leave the console). */
  async export(operator: Pick<OperatorSession, 'email'>, month: unknown): Promise<{ month: string; csv: string }> {
    const report = await this.month(month);
    await this.audit.record(operator, {
      action: 'operator.usage.export',
      subject: null,
      data: { month: report.month },
    });
    return { month: report.month, csv: this.csv(report) };
  }

  /** The report as CSV for billing: one line per tenant, amounts in euros with a point. */
  csv(report: UsageReportView): string {
    const header = [
      'month',
      'tenant',
      'name',
      'applications',
      'documents',
      'mails',
      'payments',
      'paid_eur',
      'storage_bytes',
    ];
    const lines = report.tenants.map((r) =>
      [
        report.month,
        r.tenant,
        r.name,
        r.applications,
        r.documents,
        r.mails,
        r.payments,
        (r.paidCents / 100).toFixed(2),
        r.storageBytes,
      ]
        .map(cell)
        .join(','),
    );
    return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
  }
}
