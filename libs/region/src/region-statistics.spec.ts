import { RegionError } from './region.error';
import { regionRange } from './region-statistics.service';

const fieldOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    if (error instanceof RegionError) return error.fields[0]?.field;
    throw error;
  }
  return undefined;
};

describe('the period of the region’s statistics', () => {
  const today = new Date(Date.UTC(2026, 11, 7));

  it('is the last twelve months by default, this one included', () => {
    expect(regionRange(undefined, undefined, today)).toEqual({ from: '2026-01', to: '2026-12' });
    expect(regionRange('', '2026-03', today)).toEqual({ from: '2025-04', to: '2026-03' });
  });

  it('takes whole months as given', () => {
    expect(regionRange('2025-11', '2026-02', today)).toEqual({ from: '2025-11', to: '2026-02' });
  });

  it('names the faulty field', () => {
    expect(fieldOf(() => regionRange('2026-13', undefined, today))).toBe('from');
    expect(fieldOf(() => regionRange('2026-01-05', undefined, today))).toBe('from');
    expect(fieldOf(() => regionRange(undefined, ['2026-01'], today))).toBe('to');
    expect(fieldOf(() => regionRange('2026-05', '2026-01', today))).toBe('to');
    expect(fieldOf(() => regionRange('2020-01', '2026-01', today))).toBe('from');
  });
});
