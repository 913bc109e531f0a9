import { isInternalAddress, isInternalHost } from './internal-address';

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

describe('hosts that are internal by their name alone', () => {
  it.each(['localhost', 'api.localhost', '127.0.0.1', '[::1]', '10.0.0.7'])('%s is', (host) =>
    expect(isInternalHost(host)).toBe(true),
  );
  it.each(['fachverfahren.stadt.de', '8.8.8.8', '[2a00:1450:4001:82b::200e]'])('%s is not', (host) =>
    expect(isInternalHost(host)).toBe(false),
  );
});
