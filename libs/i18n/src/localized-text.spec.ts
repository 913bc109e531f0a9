import { fallbackLocales, localized, shownLocale } from './localized-text';

describe('localized', () => {
  const text = { de: 'Guten Tag', en: 'Hello' };

  it('gives the text of the locale, else German', () => {
    expect(localized(text, 'en')).toBe('Hello');
    expect(localized(text, 'de-x-ls')).toBe('Guten Tag');
    expect(localized({ de: 'Hallo' }, 'en')).toBe('Hallo');
    expect(localized(text, 'fr')).toBe('Guten Tag');
    expect(localized(undefined, 'de')).toBe('');
  });

  it('falls back to German for a blank translation, and says which language it showed', () => {
    expect(localized({ de: 'Hallo', en: ' ' }, 'en')).toBe('Hallo');
    expect(shownLocale({ de: 'Hallo', en: '' }, 'en')).toBe('de');
    expect(shownLocale(text, 'en')).toBe('en');
    expect(shownLocale({ de: 'Hallo', 'de-x-ls': 'Hallo.' }, 'de-x-ls')).toBe('de-x-ls');
  });

  it('reads no inherited property as a language', () => {
    expect(localized(text, 'constructor')).toBe('Guten Tag');
    expect(localized(text, '__proto__')).toBe('Guten Tag');
  });

  it('has one fallback rule: the locale, then German', () => {
    expect(fallbackLocales('de-x-ls')).toEqual(['de-x-ls', 'de']);
    expect(fallbackLocales('en')).toEqual(['en', 'de']);
    expect(fallbackLocales('de')).toEqual(['de']);
  });
});
