import { isRecord } from './shape';
import { DURATION } from './parameters';

/** What happens to an application once its retention period has run out. */
export const RETENTION_ACTIONS = ['delete', 'anonymise'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

/**
 * A definition's retention as written: `{ after: P90D, action: delete }`, or only the duration
 * (`retention: P2Y`), which anonymises.
 */
export interface RetentionRule {
  /** ISO 8601 duration of years, months, weeks and days after the final status (`P90D`, `P2Y`). */
  after: string;
  /** `anonymise` when not given. */
  action?: RetentionAction;
}

/** A retention rule with everything settled: the period and the action. */
export interface Retention {
  after: string;
  action: RetentionAction;
}

/** The action of a rule that names none, and of the short form `retention: P2Y`. */
export const DEFAULT_RETENTION_ACTION: RetentionAction = 'anonymise';

/**
 * The retention a definition's `retention` field gives, or null when it names none: then the
 * platform keeps the applications (nothing is removed without a period someone chose). A value
 * the validator would refuse gives null as well.
 */
export function retentionOf(value: unknown): Retention | null {
  if (typeof value === 'string')
    return DURATION.test(value) ? { after: value, action: DEFAULT_RETENTION_ACTION } : null;
  if (!isRecord(value) || typeof value.after !== 'string' || !DURATION.test(value.after)) return null;
  const action = value.action ?? DEFAULT_RETENTION_ACTION;
  return RETENTION_ACTIONS.includes(action as RetentionAction)
    ? { after: value.after, action: action as RetentionAction }
    : null;
}

const PARTS = /^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/**
 * The moment `duration` before `now`, counted in calendar units (UTC): a month back from
 * 31 March is the last day of February, a year back from 29 February is 28 February. An
 * application whose final status lies before this moment is due.
 */
export function retentionCutoff(now: Date, duration: string): Date {
  const parts = PARTS.exec(duration);
  if (!parts || !DURATION.test(duration))
    throw new RangeError(`not an ISO 8601 duration of days to years: ${duration}`);
  const [years, months, weeks, days] = parts.slice(1).map((v) => Number(v ?? 0));
  const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - years * 12 - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay));
  cutoff.setUTCDate(cutoff.getUTCDate() - weeks * 7 - days);
  return cutoff;
}
