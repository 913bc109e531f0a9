import { CalendarSettings, Office, Tenant, WEEKDAYS, calendarSettings, hourIntervals } from '@openrathaus/tenancy';
import { Land, holidayOn, landOfAgs } from './holidays';
import { addDays, berlinInstant, wallTime, weekdayOf } from './zoned-time';

/** An office that books appointments, with its calendar's settings and the Land of its tenant. */
export interface BookableOffice {
  office: Office;
  calendar: CalendarSettings;
  land: Land | undefined;
}

/** Why a day has no appointments. */
export type DayClosed = 'holiday' | 'closure' | 'weekday';

/** Every office of the tenant that publishes a calendar. */
export function bookableOffices(tenant: Tenant): BookableOffice[] {
  const land = landOfAgs(tenant.ags ?? tenant.config.ags);
  return (tenant.config.offices ?? [])
    .filter((office) => office.appointments)
    .map((office) => ({ office, calendar: calendarSettings(office.appointments!), land }));
}

export function bookableOffice(tenant: Tenant, officeId: string): BookableOffice | undefined {
  return bookableOffices(tenant).find((o) => o.office.id === officeId);
}

/** Why the office takes no appointments on `date`, or undefined when it does. */
export function closedOn(office: BookableOffice, date: string): DayClosed | undefined {
  if (holidayOn(date, office.land)) return 'holiday';
  if (office.calendar.closures.some((c) => c.from <= date && date <= c.to)) return 'closure';
  if (!hourIntervals(office.calendar.hours[WEEKDAYS[weekdayOf(date)]]).length) return 'weekday';
  return undefined;
}

/** The opening intervals of a day as instants, `[start, end)`, none on a closed day. */
export function openIntervals(office: BookableOffice, date: string): [Date, Date][] {
  if (closedOn(office, date)) return [];
  return hourIntervals(office.calendar.hours[WEEKDAYS[weekdayOf(date)]]).map(([from, to]) => [
    berlinInstant(date, from),
    berlinInstant(date, to),
  ]);
}

/** The first and last day one may book at `now`: after the notice, up to the horizon. */
export function bookingWindow(office: BookableOffice, now: Date): { earliest: Date; lastDay: string } {
  const earliest = new Date(now.getTime() + office.calendar.noticeHours * 3_600_000);
  return { earliest, lastDay: addDays(wallTime(now).date, office.calendar.horizonDays) };
}
