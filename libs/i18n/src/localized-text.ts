import type { Locale } from './locales';

/** The locale every text exists in; every other locale falls back to it. */
export const DEFAULT_LOCALE = 'de';

/** A text in several languages; German is always there. `de-x-ls` is Leichte Sprache. */
export type LocalizedText = { de: string } & { [L in Exclude<Locale, 'de'>]?: string };

/**
 * The locales to look in, best first: the one asked for, then German. Leichte Sprache (`de-x-ls`)
 * falls back to German like any other locale.
 */
export const fallbackLocales = (locale: string): string[] =>
  locale === DEFAULT_LOCALE ? [DEFAULT_LOCALE] : [locale, DEFAULT_LOCALE];

const textIn = (text: Partial<LocalizedText>, locale: string): string | undefined => {
  const value = Object.hasOwn(text, locale) ? (text as unknown as Record<string, unknown>)[locale] : undefined;
  return typeof value === 'string' && value.trim() ? value : undefined;
};

/** The language a text is shown in: the first of {@link fallbackLocales} it has (not blank). */
export const shownLocale = (text: Partial<LocalizedText> | undefined, locale: string): string =>
  (text && fallbackLocales(locale).find((l) => textIn(text, l) !== undefined)) || DEFAULT_LOCALE;

/**
 * A text in `locale`, else in German (also for a blank translation); empty without a text. Takes
 * texts whose German is optional too (a tenant's opening hours).
 */
export const localized = (text: Partial<LocalizedText> | undefined, locale: string): string =>
  text ? (textIn(text, shownLocale(text, locale)) ?? text.de ?? '') : '';
