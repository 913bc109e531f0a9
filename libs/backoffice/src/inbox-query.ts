import { APPLICATION_STATUSES, ApplicationStatus } from '@openrathaus/applications';
import { isUuid } from '@openrathaus/core';
import { BackofficeError, BackofficeErrorCode } from './backoffice.error';

/** The inbox's filters as the query string gives them: each once, as text. */
export interface InboxParams {
  status?: unknown;
  service?: unknown;
  office?: unknown;
  assignee?: unknown;
  from?: unknown;
  to?: unknown;
  q?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

/** The filters, checked. */
export interface InboxFilter {
  status?: ApplicationStatus;
  service?: string;
  office?: string;
  /** `me`, `none` or a staff id. */
  assignee?: string;
  from?: Date;
  to?: Date;
  q?: string;
  cursor?: { submittedAt: string; id: string };
  limit: number;
}

export const INBOX_STATUSES = APPLICATION_STATUSES.filter((s) => s !== 'draft');
const KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_QUERY = 100;
export const DEFAULT_PAGE = 25;
const MAX_PAGE = 100;

/**
 * Checks the inbox's query string: every fault is named by its field, all at once, and nothing
 * reaches SQL but typed values.
 */
export function parseInboxParams(params: InboxParams): InboxFilter {
  const faults: { field: string; key: string; params?: Record<string, unknown> }[] = [];
  const text = (field: keyof InboxParams): string | undefined => {
    const value = params[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      faults.push({ field, key: 'single' });
      return undefined;
    }
    return value;
  };
  const filter: InboxFilter = { limit: DEFAULT_PAGE };
  const status = text('status');
  if (status !== undefined) {
    if ((INBOX_STATUSES as readonly string[]).includes(status)) filter.status = status as ApplicationStatus;
    else faults.push({ field: 'status', key: 'one_of', params: { allowed: INBOX_STATUSES.join(', ') } });
  }
  for (const field of ['service', 'office'] as const) {
    const value = text(field);
    if (value === undefined) continue;
    if (KEY.test(value)) filter[field] = value;
    else faults.push({ field, key: 'invalid' });
  }
  const assignee = text('assignee');
  if (assignee !== undefined) {
    if (assignee === 'me' || assignee === 'none' || isUuid(assignee)) filter.assignee = assignee;
    else faults.push({ field: 'assignee', key: 'invalid' });
  }
  for (const field of ['from', 'to'] as const) {
    const value = text(field);
    if (value === undefined) continue;
    const day = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
    if (day && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value)) {
      // `to` names the last day wanted: the filter ends before the next one.
      filter[field] = field === 'to' ? new Date(day.getTime() + 86_400_000) : day;
    } else faults.push({ field, key: 'invalid' });
  }
  const q = text('q');
  if (q !== undefined) {
    const trimmed = q.replace(/\s+/g, ' ').trim();
    if (trimmed.length > MAX_QUERY || trimmed.includes('\u0000')) faults.push({ field: 'q', key: 'too_long' });
    else if (trimmed) filter.q = trimmed.toLowerCase();
  }
  const cursor = text('cursor');
  if (cursor !== undefined) {
    const decoded = decodeCursor(cursor);
    if (decoded) filter.cursor = decoded;
    else faults.push({ field: 'cursor', key: 'invalid' });
  }
  const limit = text('limit');
  if (limit !== undefined) {
    const n = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    if (n >= 1 && n <= MAX_PAGE) filter.limit = n;
    else faults.push({ field: 'limit', key: 'invalid' });
  }
  if (faults.length) throw new BackofficeError(BackofficeErrorCode.InvalidInput, {}, faults);
  return filter;
}

/** The cursor after a row: its submission time and id, opaque to the client. */
export const encodeCursor = (row: { submittedAt: string; id: string }): string =>
  Buffer.from(`${row.submittedAt}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { submittedAt: string; id: string } | undefined {
  if (cursor.length > 200) return undefined;
  const [submittedAt, id, rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest !== undefined || !id || !isUuid(id)) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(submittedAt ?? '')) return undefined;
  if (Number.isNaN(new Date(submittedAt).getTime())) return undefined;
  return { submittedAt, id };
}
