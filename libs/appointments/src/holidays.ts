/**
 * Public holidays in Germany by Land, from the Easter rule (Gregorian computus) and the Länder's
 * holiday laws, as they stood in the given year. The Land comes from the first two digits of the
 * Amtlicher Gemeindeschlüssel (01 Schleswig-Holstein … 16 Thüringen). Holidays that only some
 * municipalities of a Land keep (Augsburger Friedensfest, Mariä Himmelfahrt in Bavaria's Catholic
 * communities, Fronleichnam in parts of Saxony and Thuringia) are left out: an office there
 * names them as closures.
 */

export type Land =
  'SH' | 'HH' | 'NI' | 'HB' | 'NW' | 'HE' | 'RP' | 'BW' | 'BY' | 'SL' | 'BE' | 'BB' | 'MV' | 'SN' | 'ST' | 'TH';

const LANDS: Land[] = ['SH', 'HH', 'NI', 'HB', 'NW', 'HE', 'RP', 'BW', 'BY', 'SL', 'BE', 'BB', 'MV', 'SN', 'ST', 'TH'];

/** One public holiday: its date (`YYYY-MM-DD`) and its German name. */
export interface Holiday {
  date: string;
  name: string;
}

/** The Land of an AGS (`05112000` -> `NW`), or undefined for a key that names none. */
export function landOfAgs(ags: string | undefined): Land | undefined {
  const code = ags && /^\d{8}$/.test(ags) ? Number(ags.slice(0, 2)) : 0;
  return code >= 1 && code <= 16 ? LANDS[code - 1] : undefined;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm), as UTC midnight. */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const iso = (date: Date): string => date.toISOString().slice(0, 10);
const plusDays = (date: Date, days: number): Date => new Date(date.getTime() + days * 86_400_000);
const fixed = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month - 1, day));

/** Buß- und Bettag: the Wednesday before 23 November. */
function repentanceDay(year: number): Date {
  const nov22 = fixed(year, 11, 22);
  const back = (nov22.getUTCDay() - 3 + 7) % 7;
  return plusDays(nov22, -back);
}

/** The public holidays of a Land in a year, sorted by date. */
export function publicHolidays(year: number, land: Land): Holiday[] {
  const easter = easterSunday(year);
  const days: [Date, string][] = [
    [fixed(year, 1, 1), 'Neujahr'],
    [plusDays(easter, -2), 'Karfreitag'],
    [plusDays(easter, 1), 'Ostermontag'],
    [fixed(year, 5, 1), 'Tag der Arbeit'],
    [plusDays(easter, 39), 'Christi Himmelfahrt'],
    [plusDays(easter, 50), 'Pfingstmontag'],
    [fixed(year, 10, 3), 'Tag der Deutschen Einheit'],
    [fixed(year, 12, 25), '1. Weihnachtstag'],
    [fixed(year, 12, 26), '2. Weihnachtstag'],
  ];
  const add = (when: Date, name: string, lands: Land[]) => {
    if (lands.includes(land)) days.push([when, name]);
  };
  add(fixed(year, 1, 6), 'Heilige Drei Könige', ['BW', 'BY', 'ST']);
  if (year >= 2019) add(fixed(year, 3, 8), 'Internationaler Frauentag', ['BE']);
  if (year >= 2023) add(fixed(year, 3, 8), 'Internationaler Frauentag', ['MV']);
  add(plusDays(easter, 0), 'Ostersonntag', ['BB']);
  add(plusDays(easter, 49), 'Pfingstsonntag', ['BB']);
  add(plusDays(easter, 60), 'Fronleichnam', ['BW', 'BY', 'HE', 'NW', 'RP', 'SL']);
  add(fixed(year, 8, 15), 'Mariä Himmelfahrt', ['SL']);
  if (year >= 2019) add(fixed(year, 9, 20), 'Weltkindertag', ['TH']);
  // Reformationstag: in the eastern Länder since 1990, everywhere in 2017, and in the northern
  // Länder since 2018.
  if (year === 2017) add(fixed(year, 10, 31), 'Reformationstag', LANDS);
  else {
    add(fixed(year, 10, 31), 'Reformationstag', ['BB', 'MV', 'SN', 'ST', 'TH']);
    if (year >= 2018) add(fixed(year, 10, 31), 'Reformationstag', ['HB', 'HH', 'NI', 'SH']);
  }
  add(fixed(year, 11, 1), 'Allerheiligen', ['BW', 'BY', 'NW', 'RP', 'SL']);
  // Given up for the nursing-care insurance from 1995 on, except in Saxony.
  if (year < 1995) add(repentanceDay(year), 'Buß- und Bettag', LANDS);
  else add(repentanceDay(year), 'Buß- und Bettag', ['SN']);
  const seen = new Set<string>();
  return days
    .map(([date, name]) => ({ date: iso(date), name }))
    .filter((h) => !seen.has(h.date) && seen.add(h.date) !== undefined)
    .sort((a, b) => a.date.localeCompare(b.date));
}

const cache = new Map<string, Map<string, string>>();

/** The holiday's name when `date` (`YYYY-MM-DD`) is a public holiday of the Land, else undefined. */
export function holidayOn(date: string, land: Land | undefined): string | undefined {
  if (!land) return undefined;
  const key = `${land}:${date.slice(0, 4)}`;
  let year = cache.get(key);
  if (!year) {
    year = new Map(publicHolidays(Number(date.slice(0, 4)), land).map((h) => [h.date, h.name]));
    cache.set(key, year);
  }
  return year.get(date);
}
