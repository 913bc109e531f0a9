import { Injectable } from '@nestjs/common';
import { Casework, DecisionTimes, MonthlyFigures } from '@openrathaus/applications';
import { TenantTransactions } from '@openrathaus/database';
import { localized } from '@openrathaus/i18n';
import { Tenant } from '@openrathaus/tenancy';
import { BackofficeError, BackofficeErrorCode, invalidField } from './backoffice.error';
import { Inbox, officeName } from './inbox.service';

/** The period of the statistics: whole days `YYYY-MM-DD`, `to` exclusive, Europe/Berlin. */
export interface StatisticsRange {
  from: string;
  to: string;
}

/** A month of one service, as the statistics show it. */
export interface ServiceMonth extends MonthlyFigures {
  title: string;
  /** Completed online (no media break) per application that came in, 0..1. */
  completedOnlineShare: number;
}

/** The tenant admin's figures: aggregates only, nothing about a person. */
export interface Statistics {
  range: StatisticsRange;
  rows: ServiceMonth[];
  months: { month: string; submitted: number; completed: number; completedOnlineShare: number }[];
  decisionTimes: (DecisionTimes & { title: string })[];
  backlog: { office: string; name: string; open: number }[];
}

const DAY = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;
const MAX_DAYS = 5 * 366;

/**
 * Checks `from`/`to` (a day `YYYY-MM-DD` or a month `YYYY-MM`; `to` counts whole) and gives the
 * last twelve months when they are missing.
 */
export function statisticsRange(from: unknown, to: unknown, today = new Date()): StatisticsRange {
  const faults: { field: string; key: string }[] = [];
  const parse = (field: 'from' | 'to', value: unknown): string | undefined => {
    if (value === undefined || value === '') return undefined;
    const match = typeof value === 'string' ? DAY.exec(value) : null;
    const date = match && new Date(Date.UTC(+match[1], +match[2] - 1, match[3] ? +match[3] : 1));
    if (!match || !date || date.getUTCMonth() !== +match[2] - 1 || (match[3] && date.getUTCDate() !== +match[3])) {
      faults.push({ field, key: 'invalid' });
      return undefined;
    }
    // A month as `to` means up to its end; a day as `to`, up to and including it.
    if (field === 'to') {
      if (match[3]) date.setUTCDate(date.getUTCDate() + 1);
      else date.setUTCMonth(date.getUTCMonth() + 1);
    }
    return date.toISOString().slice(0, 10);
  };
  const start = parse('from', from);
  const end = parse('to', to);
  if (faults.length) throw new BackofficeError(BackofficeErrorCode.InvalidInput, {}, faults);
  const until =
    end ?? new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const since =
    start ??
    new Date(Date.UTC(Number(until.slice(0, 4)) - 1, Number(until.slice(5, 7)) - 1, 1)).toISOString().slice(0, 10);
  const days = (Date.parse(until) - Date.parse(since)) / 86_400_000;
  if (days <= 0) throw invalidField('to');
  if (days > MAX_DAYS) throw invalidField('from', 'too_long');
  return { from: since, to: until };
}

/**
 * The statistics of a tenant: applications per service and month, the share completed online,
 * the time to a decision, the backlog per office. Counted by the database from the applications
 * themselves; the charts and the CSV are drawn from these figures.
 */
@Injectable()
export class TenantStatistics {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly casework: Casework,
    private readonly inbox: Inbox,
  ) {}

  async of(tenant: Tenant, range: StatisticsRange, locale: string): Promise<Statistics> {
    const { monthly, times, backlog } = await this.transactions.run(tenant.id, async (scope) => ({
      monthly: await this.casework.monthly(scope, range.from, range.to),
      times: await this.casework.decisionTimes(scope, range.from, range.to),
      backlog: await this.casework.backlog(scope),
    }));
    const titles = await this.inbox.titles(tenant);
    const title = (key: string): string => localized(titles.get(key) ?? { de: key }, locale);
    const months = new Map<string, { month: string; submitted: number; completed: number }>();
    for (const row of monthly) {
      const month = months.get(row.month) ?? { month: row.month, submitted: 0, completed: 0 };
      month.submitted += row.submitted;
      month.completed += row.completed;
      months.set(row.month, month);
    }
    return {
      range,
      rows: monthly.map((row) => ({ ...row, title: title(row.serviceKey), completedOnlineShare: share(row) })),
      months: [...months.values()].map((m) => ({ ...m, completedOnlineShare: share(m) })),
      decisionTimes: times.map((t) => ({ ...t, title: title(t.serviceKey) })),
      backlog: backlog.map((b) => ({
        office: b.office,
        name: b.office ? officeName(tenant, b.office) : '',
        open: b.open,
      })),
    };
  }
}

const share = (figures: { submitted: number; completed: number }): number =>
  figures.submitted > 0 ? figures.completed / figures.submitted : 0;

/** A field of a CSV file: quoted, and never read as a formula by a spreadsheet. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The statistics per service and month as CSV (RFC 4180, comma, header line). */
export function statisticsCsv(statistics: Statistics): string {
  const header = [
    'service',
    'title',
    'month',
    'submitted',
    'completed',
    'rejected',
    'withdrawn',
    'decided',
    'completed_online_share',
    'median_hours_to_decision',
    'p90_hours_to_decision',
  ];
  const round = (n: number | null, digits: number): number | null =>
    n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
  const lines = statistics.rows.map((row) =>
    [
      row.serviceKey,
      row.title,
      row.month,
      row.submitted,
      row.completed,
      row.rejected,
      row.withdrawn,
      row.decided,
      round(row.completedOnlineShare, 4),
      round(row.medianHours, 2),
      round(row.p90Hours, 2),
    ]
      .map(csvField)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
