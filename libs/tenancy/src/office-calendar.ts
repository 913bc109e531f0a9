import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { LocalizedTextInput } from './tenant-text';
import type { TenantFault } from './tenant-fault';

const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HOURS = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Weekdays as `tenant.yaml` names them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A service an office books appointments for, and how long one person takes. */
export class AppointmentService {
  @Matches(KEY, { message: 'slug' })
  key: string;

  @ValidateNested()
  @Type(() => LocalizedTextInput)
  title: LocalizedTextInput;

  @IsInt({ message: 'minutes' })
  @Min(5, { message: 'minutes' })
  @Max(240, { message: 'minutes' })
  minutes: number;
}

/** Opening hours for appointments per weekday: `["08:00-12:30", "14:00-16:00"]`; a day not named is closed. */
export class OpeningHours {
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) mon?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) tue?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) wed?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) thu?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) fri?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) sat?: string[];
  @IsOptional() @IsArray({ message: 'list' }) @Matches(HOURS, { each: true, message: 'hours' }) sun?: string[];
}

/** Days an office is closed besides public holidays (works outings, moves), `from` to `to` inclusive. */
export class Closure {
  @Matches(DATE, { message: 'date' })
  from: string;

  @IsOptional()
  @Matches(DATE, { message: 'date' })
  to?: string;
}

/**
 * An office's appointment calendar: what it books, when, at how many counters, how far ahead.
 * Public holidays of the tenant's Land (from its AGS) are closed without being named.
 */
export class OfficeCalendar {
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => AppointmentService)
  services: AppointmentService[];

  @ValidateNested()
  @Type(() => OpeningHours)
  hours: OpeningHours;

  @IsOptional()
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => Closure)
  closures?: Closure[];

  /** Counters (Schalter) that serve at the same time. */
  @IsInt({ message: 'counters' })
  @Min(1, { message: 'counters' })
  @Max(50, { message: 'counters' })
  counters: number;

  /** The grid of start times in minutes (default 5); every service's minutes are a multiple of it. */
  @IsOptional()
  @IsInt({ message: 'minutes' })
  @Min(5, { message: 'minutes' })
  @Max(60, { message: 'minutes' })
  slotMinutes?: number;

  /** How many days ahead one can book (default 60). */
  @IsOptional()
  @IsInt({ message: 'days' })
  @Min(1, { message: 'days' })
  @Max(365, { message: 'days' })
  horizonDays?: number;

  /** How many hours before the start booking closes (default 2). */
  @IsOptional()
  @IsInt({ message: 'notice_hours' })
  @Min(0, { message: 'notice_hours' })
  @Max(168, { message: 'notice_hours' })
  noticeHours?: number;

  /** How many persons one booking may bring (default 5). */
  @IsOptional()
  @IsInt({ message: 'persons' })
  @Min(1, { message: 'persons' })
  @Max(10, { message: 'persons' })
  maxPersons?: number;
}

/** The calendar with its defaults filled in. */
export interface CalendarSettings {
  services: { key: string; title: LocalizedTextInput; minutes: number }[];
  hours: Partial<Record<Weekday, string[]>>;
  closures: { from: string; to: string }[];
  counters: number;
  slotMinutes: number;
  horizonDays: number;
  noticeHours: number;
  maxPersons: number;
}

/** An office's calendar with defaults (slot 5 minutes, 60 days ahead, 2 hours' notice, 5 persons). */
export function calendarSettings(calendar: OfficeCalendar): CalendarSettings {
  return {
    services: calendar.services ?? [],
    hours: calendar.hours ?? {},
    closures: (calendar.closures ?? []).map((c) => ({ from: c.from, to: c.to ?? c.from })),
    counters: calendar.counters,
    slotMinutes: calendar.slotMinutes ?? 5,
    horizonDays: calendar.horizonDays ?? 60,
    noticeHours: calendar.noticeHours ?? 2,
    maxPersons: calendar.maxPersons ?? 5,
  };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Intervals `[start, end)` in minutes after midnight of one `HH:MM-HH:MM` list. */
export const hourIntervals = (ranges: string[] | undefined): [number, number][] =>
  (ranges ?? []).map((r) => [minutesOf(r.slice(0, 5)), minutesOf(r.slice(6, 11))]);

/**
 * What the decorators cannot see: hours that end before they start or overlap, durations off the
 * grid, services named twice, closures that end before they begin, dates that do not exist.
 */
export function calendarFaults(calendar: OfficeCalendar, file: string, field: string): TenantFault[] {
  const faults: TenantFault[] = [];
  const slot = calendar.slotMinutes ?? 5;
  const seen = new Set<string>();
  (calendar.services ?? []).forEach((s, i) => {
    if (Number.isInteger(s.minutes) && s.minutes % slot !== 0) {
      faults.push({ file, field: `${field}.services.${i}.minutes`, key: 'minutes_step', params: { step: slot } });
    }
    if (seen.has(s.key)) faults.push({ file, field: `${field}.services.${i}.key`, key: 'unique' });
    seen.add(s.key);
    if (!s.title?.de) faults.push({ file, field: `${field}.services.${i}.title.de`, key: 'required' });
  });
  for (const day of WEEKDAYS) {
    const ranges = calendar.hours?.[day];
    if (!Array.isArray(ranges) || ranges.some((r) => typeof r !== 'string' || !HOURS.test(r))) continue;
    const intervals = hourIntervals(ranges).sort((a, b) => a[0] - b[0]);
    intervals.forEach(([start, end], i) => {
      const previous = intervals[i - 1];
      if (end <= start || (previous && start < previous[1]) || start % slot !== 0 || end % slot !== 0) {
        faults.push({ file, field: `${field}.hours.${day}`, key: 'hours_order', params: { step: slot } });
      }
    });
  }
  (calendar.closures ?? []).forEach((c, i) => {
    for (const key of ['from', 'to'] as const) {
      const value = c[key];
      if (
        typeof value === 'string' &&
        DATE.test(value) &&
        new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
      ) {
        faults.push({ file, field: `${field}.closures.${i}.${key}`, key: 'date' });
      }
    }
    if (typeof c.to === 'string' && typeof c.from === 'string' && c.to < c.from) {
      faults.push({ file, field: `${field}.closures.${i}.to`, key: 'date_order' });
    }
  });
  return faults;
}
