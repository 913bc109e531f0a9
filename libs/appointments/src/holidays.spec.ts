import { easterSunday, holidayOn, landOfAgs, publicHolidays } from './holidays';
import { addDays, berlinInstant, berlinIso, wallTime, weekdayOf } from './zoned-time';

const dates = (year: number, land: Parameters<typeof publicHolidays>[1]) =>
  publicHolidays(year, land).map((h) => h.date.slice(5));

describe('public holidays', () => {
  it('finds the Land from the AGS', () => {
    expect(landOfAgs('05112000')).toBe('NW');
    expect(landOfAgs('09162000')).toBe('BY');
    expect(landOfAgs('14612000')).toBe('SN');
    expect(landOfAgs('17000000')).toBeUndefined();
    expect(landOfAgs(undefined)).toBeUndefined();
  });

  it.each([
    [1995, '1995-04-16'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2029, '2029-04-01'],
    [2030, '2030-04-21'],
    [2038, '2038-04-25'],
    [2100, '2100-03-28'],
  ])('Easter Sunday %i is %s', (year, date) => {
    expect(easterSunday(year).toISOString().slice(0, 10)).toBe(date);
  });

  it.each([
    [2025, ['01-01', '04-18', '04-21', '05-01', '05-29', '06-09', '06-19', '10-03', '11-01', '12-25', '12-26']],
    [2026, ['01-01', '04-03', '04-06', '05-01', '05-14', '05-25', '06-04', '10-03', '11-01', '12-25', '12-26']],
    [2027, ['01-01', '03-26', '03-29', '05-01', '05-06', '05-17', '05-27', '10-03', '11-01', '12-25', '12-26']],
    [2028, ['01-01', '04-14', '04-17', '05-01', '05-25', '06-05', '06-15', '10-03', '11-01', '12-25', '12-26']],
    [2029, ['01-01', '03-30', '04-02', '05-01', '05-10', '05-21', '05-31', '10-03', '11-01', '12-25', '12-26']],
    [2030, ['01-01', '04-19', '04-22', '05-01', '05-30', '06-10', '06-20', '10-03', '11-01', '12-25', '12-26']],
    [2038, ['01-01', '04-23', '04-26', '05-01', '06-03', '06-14', '06-24', '10-03', '11-01', '12-25', '12-26']],
    [2100, ['01-01', '03-26', '03-29', '05-01', '05-06', '05-17', '05-27', '10-03', '11-01', '12-25', '12-26']],
  ])('North Rhine-Westphalia %i', (year, expected) => {
    expect(dates(year, 'NW')).toEqual(expected);
  });

  it('keeps the law of the year: 1995 without Buß- und Bettag outside Saxony, Reformationstag 2017 everywhere', () => {
    expect(dates(1995, 'NW')).toEqual([
      '01-01',
      '04-14',
      '04-17',
      '05-01',
      '05-25',
      '06-05',
      '06-15',
      '10-03',
      '11-01',
      '12-25',
      '12-26',
    ]);
    expect(holidayOn('1995-11-22', 'SN')).toBe('Buß- und Bettag');
    expect(holidayOn('1994-11-16', 'NW')).toBe('Buß- und Bettag');
    expect(holidayOn('2017-10-31', 'NW')).toBe('Reformationstag');
    expect(holidayOn('2018-10-31', 'NW')).toBeUndefined();
    expect(holidayOn('2018-10-31', 'NI')).toBe('Reformationstag');
    expect(holidayOn('2026-03-08', 'BE')).toBe('Internationaler Frauentag');
    expect(holidayOn('2026-01-06', 'BY')).toBe('Heilige Drei Könige');
    expect(holidayOn('2026-01-06', 'NW')).toBeUndefined();
    expect(holidayOn('2026-06-04', 'NI')).toBeUndefined();
  });
});

describe('Berlin wall time', () => {
  it('reads and makes instants on both sides of the changes of the clocks', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST.
    expect(berlinIso(berlinInstant('2026-03-28', 9 * 60))).toBe('2026-03-28T09:00:00+01:00');
    expect(berlinIso(berlinInstant('2026-03-29', 9 * 60))).toBe('2026-03-29T09:00:00+02:00');
    expect(berlinInstant('2026-03-29', 9 * 60).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(berlinInstant('2026-03-29', 1 * 60 + 30).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    // The missing hour reads as the hour after.
    expect(berlinIso(berlinInstant('2026-03-29', 2 * 60 + 30))).toBe('2026-03-29T03:30:00+02:00');
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 comes twice, the first is taken.
    expect(berlinInstant('2026-10-25', 2 * 60 + 30).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(berlinIso(berlinInstant('2026-10-25', 8 * 60))).toBe('2026-10-25T08:00:00+01:00');
    expect(berlinIso(berlinInstant('2026-10-24', 8 * 60))).toBe('2026-10-24T08:00:00+02:00');
    // A whole day of office hours on the short day is 23 hours of real time shorter by nothing.
    const open = berlinInstant('2026-03-29', 8 * 60).getTime();
    const close = berlinInstant('2026-03-29', 12 * 60).getTime();
    expect((close - open) / 60_000).toBe(240);
    expect(wallTime(new Date('2026-10-25T23:30:00Z'))).toEqual({ date: '2026-10-26', minutes: 30, weekday: 0 });
  });

  it('counts days and weekdays on the calendar', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(weekdayOf('2026-12-07')).toBe(0);
    expect(weekdayOf('2038-01-19')).toBe(1);
  });
});
