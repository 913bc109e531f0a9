import { retentionCutoff, retentionOf } from './retention';

const at = (iso: string) => new Date(iso);

describe('retentionCutoff', () => {
  it.each([
    ['P90D', '2026-06-01T10:00:00.000Z', '2026-03-03T10:00:00.000Z'],
    ['P14D', '2026-03-10T23:30:00.000Z', '2026-02-24T23:30:00.000Z'],
    ['P2W', '2026-03-10T00:00:00.000Z', '2026-02-24T00:00:00.000Z'],
    ['P1M', '2026-03-31T08:00:00.000Z', '2026-02-28T08:00:00.000Z'],
    ['P1M', '2024-03-31T08:00:00.000Z', '2024-02-29T08:00:00.000Z'],
    ['P6M', '2026-01-15T12:00:00.000Z', '2025-07-15T12:00:00.000Z'],
    ['P1Y', '2028-02-29T12:00:00.000Z', '2027-02-28T12:00:00.000Z'],
    ['P10Y', '2036-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
    ['P1Y6M', '2026-03-01T00:00:00.000Z', '2024-09-01T00:00:00.000Z'],
    ['P1Y2M3W4D', '2026-05-31T06:00:00.000Z', '2025-03-06T06:00:00.000Z'],
  ])('%s before %s is %s', (duration, now, expected) => {
    expect(retentionCutoff(at(now), duration).toISOString()).toBe(expected);
  });

  it('keeps the time of day and never moves the moment given', () => {
    const now = at('2026-06-01T10:11:12.345Z');
    expect(retentionCutoff(now, 'P1D').toISOString()).toBe('2026-05-31T10:11:12.345Z');
    expect(now.toISOString()).toBe('2026-06-01T10:11:12.345Z');
  });

  it.each(['', 'P', 'PT1H', 'P1Y2D3M', '1Y', 'p1y', 'P-1D', 'P1.5Y'])('refuses %j', (duration) => {
    expect(() => retentionCutoff(at('2026-06-01T00:00:00Z'), duration)).toThrow(RangeError);
  });
});

describe('retentionOf', () => {
  it('reads the full form', () => {
    expect(retentionOf({ after: 'P90D', action: 'delete' })).toEqual({ after: 'P90D', action: 'delete' });
    expect(retentionOf({ after: 'P2Y', action: 'anonymise' })).toEqual({ after: 'P2Y', action: 'anonymise' });
  });

  it('anonymises where no action is named, also in the short form', () => {
    expect(retentionOf({ after: 'P6M' })).toEqual({ after: 'P6M', action: 'anonymise' });
    expect(retentionOf('P2Y')).toEqual({ after: 'P2Y', action: 'anonymise' });
  });

  it('keeps applications when the definition names no retention or a broken one', () => {
    expect(retentionOf(undefined)).toBeNull();
    expect(retentionOf(null)).toBeNull();
    expect(retentionOf('zwei Jahre')).toBeNull();
    expect(retentionOf({ after: 'PT1H', action: 'delete' })).toBeNull();
    expect(retentionOf({ after: 'P1Y', action: 'shred' })).toBeNull();
  });
});
