/** The time zone of every German office. */
export const OFFICE_TIME_ZONE = 'Europe/Berlin';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: OFFICE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});

/** Wall-clock reading of an instant in Berlin. */
export interface WallTime {
  date: string;
  /** Minutes after midnight. */
  minutes: number;
  /** 0 Monday … 6 Sunday. */
  weekday: number;
}

const WEEKDAY = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 } as Record<string, number>;

/** The date, time of day and weekday of an instant on a Berlin clock. */
export function wallTime(instant: Date): WallTime {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, x.value]));
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    minutes: Number(p.hour) * 60 + Number(p.minute),
    weekday: WEEKDAY[p.weekday] ?? 0,
  };
}

/** Offset of Berlin from UTC at an instant, in minutes (60 in winter, 120 in summer). */
export function berlinOffset(instant: Date): number {
  const w = wallTime(instant);
  const asUtc = Date.parse(`${w.date}T00:00:00Z`) + w.minutes * 60_000;
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant at which a Berlin clock shows `minutes` after midnight of `date`. On the night the
 * clocks go forward a time in the missing hour reads as the hour after; on the night they go back
 * an hour shown twice is the first (summer time).
 */
export function berlinInstant(date: string, minutes: number): Date {
  const key = `${date}/${minutes}`;
  let ms = instants.get(key);
  if (ms === undefined) {
    if (instants.size >= 20_000) instants.clear();
    ms = computeInstant(date, minutes).getTime();
    instants.set(key, ms);
  }
  return new Date(ms);
}

/** Instants already computed: every free-time request asks for the same days and hours again. */
const instants = new Map<string, number>();

function computeInstant(date: string, minutes: number): Date {
  const local = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const wanted = { date: new Date(local).toISOString().slice(0, 10), minutes: ((minutes % 1440) + 1440) % 1440 };
  // Berlin is one (winter) or two (summer) hours ahead: the earlier reading that shows the time wins.
  for (const offset of [120, 60]) {
    const candidate = new Date(local - offset * 60_000);
    const seen = wallTime(candidate);
    if (seen.date === wanted.date && seen.minutes === wanted.minutes) return candidate;
  }
  // In the missing hour: as if the clocks had not yet gone forward, which reads an hour later.
  return new Date(local - 60 * 60_000);
}

/** `YYYY-MM-DD` plus whole days. */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** 0 Monday … 6 Sunday of a calendar date. */
export const weekdayOf = (date: string): number => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** Berlin's offsets by UTC hour: the clocks change on the hour, so an hour has one offset. */
const offsets = new Map<number, number>();

function offsetAt(ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    if (offsets.size >= 50_000) offsets.clear();
    offset = berlinOffset(new Date(hour * 3_600_000));
    offsets.set(hour, offset);
  }
  return offset;
}

/** The instant as ISO 8601 with Berlin's offset (`2026-03-29T10:00:00+02:00`), to the second. */
export function berlinIso(instant: Date): string {
  const ms = Math.floor(instant.getTime() / 1000) * 1000;
  const offset = offsetAt(ms);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const oh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const om = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${sign}${oh}:${om}`;
}
