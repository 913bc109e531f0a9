import { readFileSync } from 'node:fs';
import { LOCALE_INFO, isLocale } from './locales';
import type { Script } from './locales';

/** The entry of a locale file that is not a text but says how far the file can be trusted. */
export const META_KEY = '_meta';

/**
 * What a locale file says about itself (`"_meta": { … }`). A file without it counts as reviewed
 * (German and English, written with the code). A translation stays `reviewed: false` until a native
 * speaker has read it in the running portal; pages in an unreviewed locale say so.
 */
export interface LocaleFileMeta {
  reviewed: boolean;
  /** Who translated (an organisation or a volunteer, as they wish to be named). */
  translatedBy?: string;
  /** Who reviewed, and when (ISO date). */
  reviewedBy?: string;
  reviewedOn?: string;
  /** Keys whose text is rightly the same as the German one (names, abbreviations). */
  sameAsGerman?: string[];
}

export interface LocaleFile {
  texts: Record<string, string>;
  meta: LocaleFileMeta;
}

/** Reads one `<locale>.json`: its texts (strings only) and its `_meta`. */
export function readLocaleFile(path: string): LocaleFile {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === META_KEY) continue;
    if (typeof value !== 'string') throw new TypeError(`${path}: ${key} is not a text`);
    texts[key] = value;
  }
  const meta = (raw[META_KEY] ?? {}) as Partial<LocaleFileMeta>;
  return { texts, meta: { ...meta, reviewed: meta.reviewed !== false } };
}

const SCRIPTS: Record<Script, RegExp> = {
  Latn: /\p{Script=Latin}/gu,
  Arab: /\p{Script=Arabic}/gu,
  Cyrl: /\p{Script=Cyrillic}/gu,
};

/**
 * The words of a text that are meant to be read: placeholders (`{name}`), markup, addresses and
 * the platform's own names taken out.
 */
const readable = (text: string): string =>
  text
    .replace(/\{\w+\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/https?:\/\/\S+|\S+@\S+/g, ' ')
    .replace(
      /\b(OpenRathaus|KERN|IBAN|BIC|PDF|TOTP|CSV|ZIP|JSON|XML|FIT-Connect|XBezahldienste|FIM|LeiKa|OZG|BundID|ePayBL|PayPal|SEPA|HTML|URL|ID|OK|E-Mail|E-mail|e-mail)\b/g,
      ' ',
    );

const count = (text: string, script: Script): number => text.match(SCRIPTS[script])?.length ?? 0;

/**
 * Whether a text of `locale` is written in that locale's script (more of its letters than of any
 * other script's); abbreviations, addresses and placeholders are not counted.
 */
export function writtenInScript(locale: string, text: string): boolean {
  if (!isLocale(locale)) return true;
  const words = readable(text);
  const own = count(words, LOCALE_INFO[locale].script);
  const foreign = (Object.keys(SCRIPTS) as Script[])
    .filter((s) => s !== LOCALE_INFO[locale].script)
    .reduce((sum, s) => sum + count(words, s), 0);
  return foreign <= own;
}

/** One text that is not in the script its locale is written in, or that was left German. */
export interface TextFault {
  key: string;
  problem: 'script' | 'same_as_german' | 'missing' | 'unknown_key' | 'placeholders';
  text?: string;
}

const placeholders = (text: string): string =>
  [...text.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

/**
 * Checks the texts of one locale against German: every key there and no other, the same
 * placeholders, the letters in the locale's script (a text of Latin letters only in an Arabic file
 * was forgotten), and not left German where the language is another one.
 */
export function checkTranslation(
  locale: string,
  texts: Record<string, string>,
  german: Record<string, string>,
  sameAsGerman: readonly string[] = [],
): TextFault[] {
  if (!isLocale(locale)) return [{ key: '', problem: 'unknown_key', text: locale }];
  const faults: TextFault[] = [];
  // Leichte Sprache rewrites what a citizen reads; every other text is shown in German, which it falls back to.
  const complete = locale !== 'de-x-ls';
  if (complete)
    for (const key of Object.keys(german)) if (!Object.hasOwn(texts, key)) faults.push({ key, problem: 'missing' });
  for (const [key, text] of Object.entries(texts)) {
    if (!Object.hasOwn(german, key)) {
      faults.push({ key, problem: 'unknown_key' });
      continue;
    }
    // A text that is a ready message per language (`{de}`) names its own language instead.
    const ownMessage = german[key] === '{de}' && text === `{${locale}}`;
    if (placeholders(text) !== placeholders(german[key]) && !ownMessage) {
      faults.push({ key, problem: 'placeholders', text });
    }
    const germanLanguage = locale === 'de' || locale === 'de-x-ls';
    if (!writtenInScript(locale, text)) faults.push({ key, problem: 'script', text });
    else if (
      !germanLanguage &&
      text === german[key] &&
      count(readable(text), 'Latn') > 3 &&
      !sameAsGerman.includes(key)
    ) {
      faults.push({ key, problem: 'same_as_german', text });
    }
  }
  return faults;
}

/**
 * How many of a locale's longer texts carry its own letters (ı, ş, ğ in Turkish; ą, ł, ż in Polish;
 * і, ї, є in Ukrainian): a file written without them was typed on a German keyboard or is another
 * language. 1 for a locale without such letters.
 */
export function ownLetterShare(locale: string, texts: Record<string, string>): number {
  const letters = isLocale(locale) ? LOCALE_INFO[locale].letters : '';
  if (!letters) return 1;
  const long = Object.values(texts).filter((t) => readable(t).replace(/[^\p{L}]/gu, '').length >= 25);
  if (long.length === 0) return 1;
  return long.filter((t) => [...t].some((c) => letters.includes(c))).length / long.length;
}
