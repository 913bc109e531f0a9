import { acrValuesFor, meetsLevel, trustLevelOfAcr } from './trust-level';

describe('trust levels', () => {
  it('orders basic < substantial < high', () => {
    expect(meetsLevel('basic', 'basic')).toBe(true);
    expect(meetsLevel('basic', 'substantial')).toBe(false);
    expect(meetsLevel('substantial', 'substantial')).toBe(true);
    expect(meetsLevel('high', 'substantial')).toBe(true);
    expect(meetsLevel('substantial', 'high')).toBe(false);
  });

  it('asks for the level and those above it', () => {
    expect(acrValuesFor('substantial')).toBe('http://eidas.europa.eu/LoA/substantial http://eidas.europa.eu/LoA/high');
    expect(acrValuesFor('high')).toBe('http://eidas.europa.eu/LoA/high');
  });

  it.each([
    ['http://eidas.europa.eu/LoA/substantial', 'substantial'],
    ['http://eidas.europa.eu/LoA/high', 'high'],
    ['http://eidas.europa.eu/LoA/low', 'basic'],
    ['urn:openrathaus:trust:substantial', 'substantial'],
    ['substantial', 'substantial'],
    ['HIGH', 'high'],
    ['STORK-QAA-Level-3', 'substantial'],
    ['STORK-QAA-Level-4', 'high'],
    ['STORK-QAA-Level-1', 'basic'],
    ['urn:something:else', 'basic'],
    ['', 'basic'],
    [undefined, 'basic'],
    [42, 'basic'],
  ])('reads acr %p as %p', (acr, level) => {
    expect(trustLevelOfAcr(acr)).toBe(level);
  });
});
