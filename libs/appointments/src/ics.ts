import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

/** One appointment as a calendar event. */
export interface CalendarEvent {
  id: string;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  cancelled: boolean;
  /** Raised on every change, so that a calendar replaces the event it has. */
  sequence: number;
}

const PRODUCT = { company: 'OpenRathaus', product: 'Termine', language: 'DE' };

function add(calendar: ReturnType<typeof ical>, event: CalendarEvent): void {
  calendar.createEvent({
    id: event.id,
    start: event.start,
    end: event.end,
    summary: event.summary,
    location: event.location,
    description: event.description,
    sequence: event.sequence,
    status: event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp: new Date(),
  });
}

/** One appointment as an iCalendar file (RFC 5545), times in UTC. */
export function calendarIcs(name: string, event: CalendarEvent, method: 'REQUEST' | 'CANCEL'): string {
  const calendar = ical({
    name,
    prodId: PRODUCT,
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
  });
  add(calendar, event);
  return calendar.toString();
}

/** An office's appointments as one subscribable feed. */
export function feedIcs(name: string, events: CalendarEvent[]): string {
  const calendar = ical({ name, prodId: PRODUCT, ttl: 15 * 60 });
  for (const event of events) add(calendar, event);
  return calendar.toString();
}
