import { retryDelayMs } from './backoff';

describe('the wait between attempts', () => {
  it('doubles from the base with each attempt and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 1000].map((n) => retryDelayMs(n, 30_000, 3_600_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelayMs(0, 100, 1000)).toBe(100);
  });
});
