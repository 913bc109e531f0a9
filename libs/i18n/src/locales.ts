/**
 * The languages the platform speaks. A tenant offers a subset (`locales` in `tenant.yaml`); a text
 * missing in a locale falls back to German (see {@link fallbackLocales}), never to English: German is
 * the language of the administration and of every legal text, and a Turkish reader gains nothing
 * from an English gap filler.
 */
export const LOCALES = ['de', 'en', 'tr', 'ar', 'uk', 'ru', 'pl', 'de-x-ls'] as const;

export type Locale = (typeof LOCALES)[number];

/** The writing system a locale's texts are in (ISO 15924). */
export type Script = 'Latn' | 'Arab' | 'Cyrl';

export interface LocaleInfo {
  code: Locale;
  /** The language's name in itself, as the language choice offers it. */
  name: string;
  /** The language's name in German, for the back office and the docs. */
  germanName: string;
  /** The value of `lang` on a page: a private-use tag is not understood by screen readers. */
  htmlLang: string;
  dir: 'ltr' | 'rtl';
  script: Script;
  /**
   * Letters a text of this language usually has and German has not (for the locale-file check);
   * empty when the language shares its letters with German.
   */
  letters: string;
}

export const LOCALE_INFO: Readonly<Record<Locale, LocaleInfo>> = {
  de: { code: 'de', name: 'Deutsch', germanName: 'Deutsch', htmlLang: 'de', dir: 'ltr', script: 'Latn', letters: '' },
  en: { code: 'en', name: 'English', germanName: 'Englisch', htmlLang: 'en', dir: 'ltr', script: 'Latn', letters: '' },
  tr: {
    code: 'tr',
    name: 'Türkçe',
    germanName: 'Türkisch',
    htmlLang: 'tr',
    dir: 'ltr',
    script: 'Latn',
    letters: 'çğıİşÇĞŞ',
  },
  ar: { code: 'ar', name: 'العربية', germanName: 'Arabisch', htmlLang: 'ar', dir: 'rtl', script: 'Arab', letters: '' },
  uk: {
    code: 'uk',
    name: 'Українська',
    germanName: 'Ukrainisch',
    htmlLang: 'uk',
    dir: 'ltr',
    script: 'Cyrl',
    letters: 'іїєґІЇЄҐ',
  },
  ru: {
    code: 'ru',
    name: 'Русский',
    germanName: 'Russisch',
    htmlLang: 'ru',
    dir: 'ltr',
    script: 'Cyrl',
    letters: 'ыэъЫЭ',
  },
  pl: {
    code: 'pl',
    name: 'Polski',
    germanName: 'Polnisch',
    htmlLang: 'pl',
    dir: 'ltr',
    script: 'Latn',
    letters: 'ąćęłńśźżĄĆĘŁŃŚŹŻ',
  },
  'de-x-ls': {
    code: 'de-x-ls',
    name: 'Leichte Sprache',
    germanName: 'Leichte Sprache',
    htmlLang: 'de',
    dir: 'ltr',
    script: 'Latn',
    letters: '',
  },
};

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** What a page needs to know of its locale; an unknown code is read as German. */
export const localeInfo = (code: string): LocaleInfo => (isLocale(code) ? LOCALE_INFO[code] : LOCALE_INFO.de);

const INTL: Readonly<Record<Locale, string>> = {
  de: 'de-DE',
  en: 'en-GB',
  tr: 'tr-TR',
  // Western digits: they are what German forms, IBANs, plates and amounts are written in.
  ar: 'ar-u-nu-latn',
  uk: 'uk-UA',
  ru: 'ru-RU',
  pl: 'pl-PL',
  'de-x-ls': 'de-DE',
};

/** The `Intl` locale for numbers, amounts and dates of a locale (German for an unknown one). */
export const intlLocale = (code: string): string => (isLocale(code) ? INTL[code] : INTL.de);

/** Unicode's isolates: LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE. */
export const LTR_ISOLATE = '\u2066';
export const POP_ISOLATE = '\u2069';

/**
 * A number, date, amount, plate or IBAN as it must stay inside a right-to-left text: isolated
 * left to right, so `30,70 €` is not read `€ 70,30` and `GE-AB 123` not `123 GE-AB`. Unchanged in a
 * left-to-right locale. Works in pages, plain-text mails and anything else that knows Unicode.
 */
export const isolateLtr = (text: string, locale: string): string =>
  text && localeInfo(locale).dir === 'rtl' ? `${LTR_ISOLATE}${text}${POP_ISOLATE}` : text;
