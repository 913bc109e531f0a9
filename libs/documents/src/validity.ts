import { Rule, RuleData, Rules } from '@openrathaus/forms';
import { DocumentsError, DocumentsErrorCode } from './documents.error';

const DURATION = /^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BERLIN = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day of a moment in Germany, `YYYY-MM-DD`. */
export const berlinDate = (moment: Date): string => BERLIN.format(moment);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A date plus an ISO 8601 duration of years, months, weeks and days, counted as § 188 BGB counts
 * periods: one year from 15 March ends with 15 March of the next year; where the month is
 * shorter (31 January plus one month), with its last day.
 */
export function addDuration(date: string, duration: string): string {
  const d = DATE.exec(date);
  const p = DURATION.exec(duration);
  if (!d || !p) throw new RangeError(`bad date ${date} or duration ${duration}`);
  const [years, months, weeks, days] = p.slice(1).map((v) => Number(v ?? 0));
  const monthIndex = Number(d[1]) * 12 + (Number(d[2]) - 1) + years * 12 + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(Date.UTC(year, month, Math.min(Number(d[3]), lastDay)));
  end.setUTCDate(end.getUTCDate() + weeks * 7 + days);
  return `${pad(end.getUTCFullYear(), 4)}-${pad(end.getUTCMonth() + 1)}-${pad(end.getUTCDate())}`;
}

/**
 * The last day a document is valid: the day of issue plus the duration the template's `validFor`
 * rule gives (over `answers` and `params`); null when the template has no rule or the rule gives
 * nothing (no expiry). A rule that fails or gives something other than a duration is an error:
 * nobody gets a document with a guessed validity.
 */
export function validUntil(rules: Rules, rule: Rule | undefined, data: RuleData, issuedAt: Date): string | null {
  if (rule === undefined) return null;
  let value: unknown;
  try {
    value = rules.evaluate(rule, data);
  } catch {
    throw new DocumentsError(DocumentsErrorCode.InvalidValidity, { value: null });
  }
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || !DURATION.test(value)) {
    throw new DocumentsError(DocumentsErrorCode.InvalidValidity, { value: JSON.stringify(value).slice(0, 40) });
  }
  return addDuration(berlinDate(issuedAt), value);
}

/** Whether a document valid through `until` (inclusive, German calendar day) has expired at `now`. */
export const isExpired = (until: string | null, now: Date): boolean => until !== null && berlinDate(now) > until;
