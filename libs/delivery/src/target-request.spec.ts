import { retryDelayMs } from './backoff';
import { isInternalAddress } from './target-request';

describe('addresses a target may not have in production', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not an address',
  ])('refuses %s', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['8.8.8.8', '172.32.0.1', '193.99.144.80', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => expect(isInternalAddress(address)).toBe(false),
  );
});

describe('the wait between attempts', () => {
  it('doubles from the base with each attempt and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 1000].map((n) => retryDelayMs(n, 30_000, 3_600_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelayMs(0, 100, 1000)).toBe(100);
  });
});
