import { intlLocale } from '@openrathaus/i18n';
import { parseDate } from './field-formats';

/** A number as people of `locale` write it. */
export function numberText(n: number, locale: string, grouping: boolean): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 20, useGrouping: grouping }).format(n);
}

/** An ISO date as people read it: `01.02.1980`, `1 February 1980`. */
export function dateText(iso: string, locale: string): string {
  if (!parseDate(iso) || !/^\d{4}-/.test(iso)) return iso;
  const options: Intl.DateTimeFormatOptions =
    locale !== 'de' && locale !== 'de-x-ls'
      ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
      : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(intlLocale(locale), options).format(new Date(`${iso}T00:00:00Z`));
}

/** A file size: `12,5 KB`, `1,2 MB`. */
export function sizeText(bytes: number, locale: string): string {
  const format = (n: number) => numberText(Math.round(n * 10) / 10, locale, true);
  return bytes >= 1024 * 1024 ? `${format(bytes / 1024 / 1024)} MB` : `${format(Math.max(bytes, 1) / 1024)} KB`;
}

/** A label short enough to name a field inside a message (consent texts are whole paragraphs). */
export function shortLabel(label: string): string {
  if (label.length <= 80) return label;
  const cut = label.slice(0, 80);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).trimEnd()} …`;
}

/** A scalar answer as text; anything else as nothing. */
export const scalarText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
