import {
  anchoredPattern,
  decimalPlaces,
  formatIban,
  hasForbiddenCharacters,
  isEmailAddress,
  isPhoneNumber,
  isPostalCode,
  normaliseIban,
  normaliseLicensePlate,
  parseDate,
  parseGermanNumber,
  patternProblem,
  todayInGermany,
} from './field-formats';

describe('numbers as typed in a German form', () => {
  it.each([
    ['12', 12],
    ['-3', -3],
    ['12,5', 12.5],
    ['1.234,56', 1234.56],
    ['1 234,5', 1234.5],
    ['0,05', 0.05],
    [',5', 0.5],
    ['12.5', 12.5],
    ['1.234', 1.234],
  ])('%s is %d', (text, n) => expect(parseGermanNumber(text)).toBe(n));

  it.each(['', 'abc', '1,2,3', '1.23,4', '12e3', 'Infinity', '--1', '1,'])('%j is no number', (text) =>
    expect(parseGermanNumber(text)).toBeUndefined(),
  );

  it('counts decimal places', () => {
    expect(decimalPlaces(2)).toBe(0);
    expect(decimalPlaces(1.5)).toBe(1);
    expect(decimalPlaces(0.05)).toBe(2);
    expect(decimalPlaces(1e-7)).toBe(7);
    expect(decimalPlaces(1e21)).toBe(0);
  });
});

describe('dates', () => {
  it('takes ISO and German dates of the calendar', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('1.2.1980')).toBe('1980-02-01');
    expect(parseDate('31.12.1999')).toBe('1999-12-31');
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-04-31',
    '2024-00-10',
    '24-01-01',
    '0999-01-01',
    '2024-1-1',
    'heute',
  ])('refuses %s', (text) => expect(parseDate(text)).toBeUndefined());

  it('knows the day in Germany, not in UTC', () => {
    expect(todayInGermany(new Date('2026-03-31T22:30:00Z'))).toBe('2026-04-01');
    expect(todayInGermany(new Date('2026-12-31T12:00:00Z'))).toBe('2026-12-31');
  });
});

describe('e-mail addresses and phone numbers', () => {
  it.each(['a@b.de', 'max.mustermann+antrag@gelsenkirchen.de', 'jürgen@müller.de', "o'neil@example.org"])(
    'takes %s',
    (e) => expect(isEmailAddress(e)).toBe(true),
  );
  it.each([
    '',
    'a',
    'a@b',
    '@b.de',
    'a@.de',
    'a..b@c.de',
    '.a@c.de',
    'a b@c.de',
    'a@b.d',
    'a@-b.de',
    'a@b.1de',
    `${'a'.repeat(65)}@b.de`,
  ])('refuses %j', (e) => expect(isEmailAddress(e)).toBe(false));

  it.each(['0209 169-0', '+49 209 1690', '(0209) 169 0', '0171/1234567'])('takes the phone number %s', (p) =>
    expect(isPhoneNumber(p)).toBe(true),
  );
  it.each(['123', 'call me', '+49 209 x', '0209++1690', '1'.repeat(16)])('refuses the phone number %s', (p) =>
    expect(isPhoneNumber(p)).toBe(false),
  );
});

describe('IBAN', () => {
  it('checks country, length and check digits, and drops the spaces', () => {
    expect(normaliseIban('DE89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(normaliseIban('de89370400440532013000')).toBe('DE89370400440532013000');
    expect(normaliseIban('GB82 WEST 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(normaliseIban('NL91ABNA0417164300')).toBe('NL91ABNA0417164300');
  });

  it.each(['DE88370400440532013000', 'DE8937040044053201300', 'XX89370400440532013000', 'DE89-3704', ''])(
    'refuses %j',
    (text) => expect(normaliseIban(text)).toBeUndefined(),
  );

  it('prints in groups of four', () =>
    expect(formatIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00'));
});

describe('licence plates', () => {
  it.each([
    ['GE-AB 123', 'GE-AB 123'],
    ['RE-X 1E', 'RE-X 1E'],
    ['RE AB 123', 'RE-AB 123'],
    ['ge-ab123', 'GE-AB 123'],
    ['B-MW 1234', 'B-MW 1234'],
    ['DO-X 99H', 'DO-X 99H'],
    ['BOR-A 1', 'BOR-A 1'],
    ['MÜ-A 12', 'MÜ-A 12'],
  ])('%s is %s', (text, plate) => expect(normaliseLicensePlate(text)).toBe(plate));

  it.each(['GEAB123', 'GE-AB 0123', 'GE-ABC 1', 'GELS-A 1', 'GE-AB 12345', 'BOR-AB 1234', 'GE-', '123'])(
    'refuses %s',
    (text) => expect(normaliseLicensePlate(text)).toBeUndefined(),
  );
});

describe('postal codes and characters', () => {
  it('takes five digits', () => {
    expect(isPostalCode('45879')).toBe(true);
    expect(isPostalCode('01067')).toBe(true);
    expect(isPostalCode('4587')).toBe(false);
    expect(isPostalCode('00123')).toBe(false);
    expect(isPostalCode('45879a')).toBe(false);
  });

  it('refuses control characters and broken UTF-16, lets line breaks into long texts', () => {
    expect(hasForbiddenCharacters('a\u0000b')).toBe(true);
    expect(hasForbiddenCharacters('a\u001bb')).toBe(true);
    expect(hasForbiddenCharacters('a\u0085b')).toBe(true);
    expect(hasForbiddenCharacters('a\ud800b')).toBe(true);
    expect(hasForbiddenCharacters('a\ndb')).toBe(true);
    expect(hasForbiddenCharacters('a\nb\tc', true)).toBe(false);
    expect(hasForbiddenCharacters('Grüße 😀')).toBe(false);
  });
});

describe('patterns of definitions', () => {
  it('anchors the pattern to the whole answer', () => {
    const ueln = anchoredPattern('[0-9A-Za-z]{15}');
    expect(ueln?.test('276098106543210')).toBe(true);
    expect(ueln?.test('x276098106543210')).toBe(false);
    expect(anchoredPattern('a|b')?.test('ab')).toBe(false);
    expect(anchoredPattern('[0-9A-Za-z]{15}')).toBe(ueln);
  });

  it.each(['(a+)+', '(a*)*b', '(a|aa)+', '(\\d+\\s?)+$', '(.*a){12}', '(a)\\1', '(?<x>a)\\k<x>'])(
    'refuses the unsafe pattern %s',
    (pattern) => {
      expect(patternProblem(pattern)).toBe('unsafe');
      expect(anchoredPattern(pattern)).toBeUndefined();
    },
  );

  it.each(['[A-Z]{2}\\d{2}', '(\\d{1,3}\\.){3}\\d{1,3}', '(ab)*c', 'a+b*', '(?:DE|AT)\\d+', '[(+]*', '(\\d{3})?'])(
    'uses the safe pattern %s',
    (pattern) => expect(patternProblem(pattern)).toBeUndefined(),
  );

  it('refuses what is no regular expression', () => expect(patternProblem('(')).toBe('syntax'));

  it('checks a safe pattern on a long answer in little time', () => {
    const pattern = anchoredPattern('[a-z]+\\d+[a-z]+');
    const started = Date.now();
    expect(pattern?.test('a'.repeat(100_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
