import { BookableOffice, bookingWindow, openIntervals } from './office-calendars';
import { addDays } from './zoned-time';

const MINUTE = 60_000;

/** What is taken at an office: a number per counter and grid step held by a booking or closure. */
export type Occupied = Set<number>;

/** The key of a counter's grid step: the step's epoch milliseconds plus the counter above them (exact below 2^53). */
export const occupiedKey = (counter: number, at: Date | number): number =>
  counter * 1e13 + (typeof at === 'number' ? at : at.getTime());

/** The grid steps a booking from `start` for `minutes` holds. */
export function stepsOf(start: Date, minutes: number, slotMinutes: number): Date[] {
  const steps: Date[] = [];
  for (let m = 0; m < minutes; m += slotMinutes) steps.push(new Date(start.getTime() + m * MINUTE));
  return steps;
}

/** The counters (1-based) that are free for the whole of `[start, start + minutes)`. */
export function freeCounters(office: BookableOffice, occupied: Occupied, start: Date, minutes: number): number[] {
  const free: number[] = [];
  for (let counter = 1; counter <= office.calendar.counters; counter++) {
    if (counterFree(occupied, counter, start.getTime(), minutes, office.calendar.slotMinutes)) free.push(counter);
  }
  return free;
}

function counterFree(
  occupied: Occupied,
  counter: number,
  start: number,
  minutes: number,
  slotMinutes: number,
): boolean {
  for (let m = 0; m < minutes; m += slotMinutes) {
    if (occupied.has(counter * 1e13 + start + m * MINUTE)) return false;
  }
  return true;
}

function anyCounterFree(office: BookableOffice, occupied: Occupied, start: number, minutes: number): boolean {
  for (let counter = 1; counter <= office.calendar.counters; counter++) {
    if (counterFree(occupied, counter, start, minutes, office.calendar.slotMinutes)) return true;
  }
  return false;
}

/** Whether `start` lies on the office's grid inside its hours on that day with room for `minutes`. */
export function fitsHours(office: BookableOffice, date: string, start: Date, minutes: number): boolean {
  const end = start.getTime() + minutes * MINUTE;
  return openIntervals(office, date).some(
    ([from, to]) =>
      start.getTime() >= from.getTime() &&
      end <= to.getTime() &&
      (start.getTime() - from.getTime()) % (office.calendar.slotMinutes * MINUTE) === 0,
  );
}

/**
 * Free start times of an office from `fromDate` to `toDate` (calendar dates in Berlin): every grid
 * step inside the hours where some counter is free for `minutes`, after the notice and before the
 * horizon; at most `limit` of them.
 */
export function freeTimes(
  office: BookableOffice,
  occupied: Occupied,
  minutes: number,
  fromDate: string,
  toDate: string,
  now: Date,
  limit = Number.POSITIVE_INFINITY,
): Date[] {
  const { earliest, lastDay } = bookingWindow(office, now);
  const last = toDate < lastDay ? toDate : lastDay;
  const found: Date[] = [];
  for (let date = fromDate; date <= last && found.length < limit; date = addDays(date, 1)) {
    for (const [from, to] of openIntervals(office, date)) {
      for (let t = from.getTime(); t + minutes * MINUTE <= to.getTime(); t += office.calendar.slotMinutes * MINUTE) {
        if (t < earliest.getTime()) continue;
        if (anyCounterFree(office, occupied, t, minutes)) {
          found.push(new Date(t));
          if (found.length >= limit) break;
        }
      }
      if (found.length >= limit) break;
    }
  }
  return found;
}
