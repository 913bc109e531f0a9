import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import type { ApplicationStatus } from './application.entity';

/** What the inbox asks for; every field optional, offices `undefined` meaning all of the tenant's. */
export interface InboxQuery {
  /** The offices the viewer may see; undefined for all (a tenant admin). */
  offices?: readonly string[];
  status?: ApplicationStatus;
  service?: string;
  office?: string;
  /** A staff id, or `null` for applications nobody has taken. */
  assignee?: string | null;
  /** Submitted on or after. */
  from?: Date;
  /** Submitted before. */
  to?: Date;
  /** A number (exact) or a part of a name or address (lower case). */
  search?: string;
  /** Keyset: the last row of the previous page. */
  after?: { submittedAt: string; id: string };
  limit: number;
}

/** One row of the inbox. */
export interface InboxRow {
  id: string;
  number: string | null;
  serviceKey: string;
  status: ApplicationStatus;
  office: string | null;
  assigneeId: string | null;
  applicantName: string | null;
  applicantEmail: string | null;
  locale: string;
  /** Timestamps as ISO text with microseconds, so that the keyset cursor is exact. */
  submittedAt: string;
  statusChangedAt: string;
  decidedAt: string | null;
}

/** One service in one month of the statistics. */
export interface MonthlyFigures {
  serviceKey: string;
  /** `YYYY-MM`, in the tenant's time zone (Europe/Berlin). */
  month: string;
  submitted: number;
  completed: number;
  rejected: number;
  withdrawn: number;
  decided: number;
  /** Hours from submission to decision; null when nothing was decided. */
  medianHours: number | null;
  p90Hours: number | null;
}

/** A whole application number as the inbox's search gets it (lower case): `re-2026-000123`. */
const APPLICATION_NUMBER = /^[a-z]{1,4}-\d{4}-\d{6,}$/;

/**
 * The words of a search, as the terms are kept: lower case, split at spaces, at most four. An
 * e-mail address or a number stays one word.
 */
export function searchWords(search: string): string[] {
  return [...new Set(search.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, 4);
}

// The ORDER BY of the inbox names the table's columns: `submitted_at` alone would be the text
// column of the same name in the select list, which no index can give in order.
const INBOX_COLUMNS = `id, number, service_key, status, office, assignee_id, applicant_name, applicant_email, locale,
  to_char(submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as submitted_at,
  to_char(status_changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as status_changed_at,
  to_char(decided_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as decided_at`;

/**
 * The back office's reads and writes of `applications` and `application_counts`: the inbox as a
 * keyset-paged query over the submitted applications, the counts a trigger keeps, assignment and
 * forwarding, and the aggregates of the statistics. Each in the caller's transaction, so RLS
 * keeps it inside the tenant whatever the filter says.
 */
@Injectable()
export class CaseworkRepository {
  async inbox(scope: TenantScope, query: InboxQuery): Promise<InboxRow[]> {
    const where = ['submitted_at is not null'];
    const values: unknown[] = [];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.offices) where.push(`office = any(${bind(query.offices)}::text[])`);
    if (query.status) where.push(`status = ${bind(query.status)}`);
    if (query.service) where.push(`service_key = ${bind(query.service)}`);
    if (query.office) where.push(`office = ${bind(query.office)}`);
    if (query.assignee === null) where.push('assignee_id is null');
    else if (query.assignee) where.push(`assignee_id = ${bind(query.assignee)}::uuid`);
    if (query.from) where.push(`submitted_at >= ${bind(query.from)}`);
    if (query.to) where.push(`submitted_at < ${bind(query.to)}`);
    if (query.search) {
      const term = query.search;
      // A whole number is found by its own index; anything else word by word, each word the start
      // of a word of the number, the applicant's name or the e-mail address (`application_terms`).
      // Only leakproof operators (=, ^@): under row-level security PostgreSQL lets an index serve
      // nothing else, so LIKE '%…%' would read every row of the tenant.
      if (APPLICATION_NUMBER.test(term)) where.push(`number = ${bind(term.toUpperCase())}`);
      else {
        // `^@` (starts with) on a C-collated column is planned as a B-tree range with the prefix's
        // own selectivity: a rare name starts from the terms, a common one from the inbox's order.
        for (const word of searchWords(term)) {
          where.push(
            `exists (select 1 from public.application_terms t
                      where t.tenant_id = applications.tenant_id and t.application_id = applications.id
                        and t.term ^@ ${bind(word)})`,
          );
        }
      }
    }
    if (query.after) {
      where.push(`(submitted_at, id) < (${bind(query.after.submittedAt)}::timestamptz, ${bind(query.after.id)}::uuid)`);
    }
    const rows = await scope.query<InboxDbRow>(
      `select ${INBOX_COLUMNS} from public.applications
        where ${where.join(' and ')}
        order by applications.submitted_at desc, applications.id desc
        limit ${bind(query.limit)}`,
      values,
    );
    return rows.map(toInboxRow);
  }

  /** Submitted applications per status, in the offices given (all when undefined). */
  /** The numbers of applications by id (those without one are left out). */
  async numbers(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await scope.query<{ id: string; number: string }>(
      `select id, number from public.applications where id = any($1::uuid[]) and number is not null`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.number]));
  }

  async counts(scope: TenantScope, offices?: readonly string[]): Promise<Partial<Record<ApplicationStatus, number>>> {
    const rows = await scope.query<{ status: ApplicationStatus; n: string }>(
      offices
        ? `select status, sum(n)::text as n from public.application_counts where office = any($1::text[]) group by status`
        : `select status, sum(n)::text as n from public.application_counts group by status`,
      offices ? [offices] : [],
    );
    const out: Partial<Record<ApplicationStatus, number>> = {};
    for (const row of rows) if (Number(row.n) > 0) out[row.status] = Number(row.n);
    return out;
  }

  /** Open applications (not yet decided) per office. */
  async backlog(scope: TenantScope): Promise<{ office: string; open: number }[]> {
    const rows = await scope.query<{ office: string; n: string }>(
      `select office, sum(n)::text as n from public.application_counts
        where status in ('submitted', 'payment_pending', 'paid', 'in_review', 'needs_info')
        group by office having sum(n) > 0 order by office`,
    );
    return rows.map((row) => ({ office: row.office, open: Number(row.n) }));
  }

  /** The row of one submitted application, locked when asked, for a change of hands. */
  async one(scope: TenantScope, id: string, lock = false): Promise<InboxRow | undefined> {
    const rows = await scope.query<InboxDbRow>(
      `select ${INBOX_COLUMNS} from public.applications where id = $1 and submitted_at is not null
        ${lock ? 'for update' : ''}`,
      [id],
    );
    return rows[0] && toInboxRow(rows[0]);
  }

  async assign(
    scope: TenantScope,
    id: string,
    change: { assigneeId: string | null; office: string | null },
  ): Promise<void> {
    await scope.query(
      `update public.applications set assignee_id = $2, office = $3, updated_at = now() where id = $1`,
      [id, change.assigneeId, change.office],
    );
  }

  /**
   * Per service and month of submission (Europe/Berlin) in [from, to) (days, `YYYY-MM-DD`): how many came in, how
   * many ended completed, rejected or withdrawn, and the median and 90th percentile of the time
   * from submission to decision.
   */
  async monthly(scope: TenantScope, from: string, to: string): Promise<MonthlyFigures[]> {
    const rows = await scope.query<MonthlyDbRow>(
      `select service_key,
              to_char(submitted_at at time zone 'Europe/Berlin', 'YYYY-MM') as month,
              count(*)::int as submitted,
              count(*) filter (where status = 'completed')::int as completed,
              count(*) filter (where status = 'rejected')::int as rejected,
              count(*) filter (where status = 'withdrawn')::int as withdrawn,
              count(decided_at)::int as decided,
              percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at) / 3600)
                filter (where decided_at is not null) as median_hours,
              percentile_cont(0.9) within group (order by extract(epoch from decided_at - submitted_at) / 3600)
                filter (where decided_at is not null) as p90_hours
         from public.applications
        where submitted_at >= ($1::date::timestamp at time zone 'Europe/Berlin')
          and submitted_at < ($2::date::timestamp at time zone 'Europe/Berlin')
        group by 1, 2
        order by 2, 1`,
      [from, to],
    );
    return rows.map((row) => ({
      serviceKey: row.service_key,
      month: row.month,
      submitted: row.submitted,
      completed: row.completed,
      rejected: row.rejected,
      withdrawn: row.withdrawn,
      decided: row.decided,
      medianHours: row.median_hours === null ? null : Number(row.median_hours),
      p90Hours: row.p90_hours === null ? null : Number(row.p90_hours),
    }));
  }

  async decisionTimes(scope: TenantScope, from: string, to: string): Promise<DecisionTimes[]> {
    const rows = await scope.query<{
      service_key: string;
      decided: number;
      median: number | string;
      p90: number | string;
    }>(
      `select service_key, count(*)::int as decided,
              percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at) / 3600) as median,
              percentile_cont(0.9) within group (order by extract(epoch from decided_at - submitted_at) / 3600) as p90
         from public.applications
        where decided_at is not null
          and submitted_at >= ($1::date::timestamp at time zone 'Europe/Berlin')
          and submitted_at < ($2::date::timestamp at time zone 'Europe/Berlin')
        group by 1 order by 1`,
      [from, to],
    );
    return rows.map((row) => ({
      serviceKey: row.service_key,
      decided: row.decided,
      medianHours: Number(row.median),
      p90Hours: Number(row.p90),
    }));
  }
}

/** Per service over [from, to): the median and 90th percentile of the hours to a decision. */
export interface DecisionTimes {
  serviceKey: string;
  decided: number;
  medianHours: number;
  p90Hours: number;
}

interface InboxDbRow {
  id: string;
  number: string | null;
  service_key: string;
  status: ApplicationStatus;
  office: string | null;
  assignee_id: string | null;
  applicant_name: string | null;
  applicant_email: string | null;
  locale: string;
  submitted_at: string;
  status_changed_at: string;
  decided_at: string | null;
}

interface MonthlyDbRow {
  service_key: string;
  month: string;
  submitted: number;
  completed: number;
  rejected: number;
  withdrawn: number;
  decided: number;
  median_hours: number | string | null;
  p90_hours: number | string | null;
}

const toInboxRow = (row: InboxDbRow): InboxRow => ({
  id: row.id,
  number: row.number,
  serviceKey: row.service_key,
  status: row.status,
  office: row.office,
  assigneeId: row.assignee_id,
  applicantName: row.applicant_name,
  applicantEmail: row.applicant_email,
  locale: row.locale,
  submittedAt: row.submitted_at,
  statusChangedAt: row.status_changed_at,
  decidedAt: row.decided_at,
});
