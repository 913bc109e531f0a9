import { formatNumber, numberPrefix } from './application-number';

const tenant = (slug: string, numberPrefix?: string) => ({ slug, config: { numberPrefix } }) as never;

describe('application numbers', () => {
  it('print prefix, year and a six-digit counter', () => {
    expect(formatNumber('RE', 2026, 123)).toBe('RE-2026-000123');
    expect(formatNumber('GE', 2027, 1)).toBe('GE-2027-000001');
  });

  it('grow past six digits rather than wrap', () => {
    expect(formatNumber('DO', 2026, 1_234_567)).toBe('DO-2026-1234567');
  });

  it("take the tenant's own prefix", () => {
    expect(numberPrefix(tenant('recklinghausen', 'REK'))).toBe('REK');
  });

  it('else the first two letters of the slug, in capitals, digits and hyphens left out', () => {
    expect(numberPrefix(tenant('gelsenkirchen'))).toBe('GE');
    expect(numberPrefix(tenant('castrop-rauxel'))).toBe('CA');
    expect(numberPrefix(tenant('1-oer-erkenschwick'))).toBe('OE');
  });
});
