import { normalizeSearchText, prefixQuery } from './search-text';

describe('normalizeSearchText', () => {
  it('lets "Führung", "Fuehrung" and "FÜHRUNG" meet', () => {
    expect(normalizeSearchText('Führung')).toBe('fuehrung');
    expect(normalizeSearchText('Fuehrung')).toBe('fuehrung');
    expect(normalizeSearchText('FÜHRUNG')).toBe('fuehrung');
  });

  it('spells out every umlaut and ß', () => {
    expect(normalizeSearchText('Änderung Öl Übergabe Straße')).toBe('aenderung oel uebergabe strasse');
    expect(normalizeSearchText('GRUẞ')).toBe('gruss');
  });

  it('drops other accents', () => {
    expect(normalizeSearchText('Café Crème à la française')).toBe('cafe creme a la francaise');
    expect(normalizeSearchText('Łódź')).toBe('łodz');
  });

  it('keeps digits, spaces and punctuation', () => {
    expect(normalizeSearchText('§ 45 StVO, Nr. 265')).toBe('§ 45 stvo, nr. 265');
  });
});

describe('prefixQuery', () => {
  it('makes each word a prefix, joined by &', () => {
    expect(prefixQuery('Hunde')).toBe('hunde:*');
    expect(prefixQuery('Führerschein beantragen')).toBe('fuehrerschein:* & beantragen:*');
  });

  it('drops what to_tsquery would read as syntax', () => {
    expect(prefixQuery("hund & katze | !maus ('x') <-> :*")).toBe('hund:* & katze:* & maus:*');
    expect(prefixQuery('Kfz-Zulassung')).toBe('kfz:* & zulassung:*');
  });

  it('drops words of one letter and keeps at most eight', () => {
    expect(prefixQuery('a b Pass')).toBe('pass:*');
    expect(prefixQuery('eins zwei drei vier fuenf sechs sieben acht neun zehn')).toBe(
      'eins:* & zwei:* & drei:* & vier:* & fuenf:* & sechs:* & sieben:* & acht:*',
    );
  });

  it('keeps numbers', () => {
    expect(prefixQuery('§ 45 StVO')).toBe('45:* & stvo:*');
  });

  it('gives null when no word is left', () => {
    expect(prefixQuery('')).toBeNull();
    expect(prefixQuery('   ')).toBeNull();
    expect(prefixQuery('& | ! x')).toBeNull();
    expect(prefixQuery('ß')).toBe('ss:*');
  });
});
