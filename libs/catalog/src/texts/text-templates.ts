import {
  HelperOptions,
  LocalizedText,
  TemplateEnvironment,
  TemplateLoader,
  intlLocale,
  isolateLtr,
  localized,
  shownLocale,
} from '@openrathaus/i18n';

const UNITS: Record<string, string> = { Y: 'year', M: 'month', W: 'week', D: 'day' };

// Building a number format is costly (a fifth of a service page's time when done per call): one per language.
const formats = new Map<string, Intl.NumberFormat>();
const format = (key: string, make: () => Intl.NumberFormat): Intl.NumberFormat => {
  let found = formats.get(key);
  if (!found) formats.set(key, (found = make()));
  return found;
};

/** `3070` cents as `30,70 €` (German), `€30.70` (English), isolated left to right inside Arabic. */
export function formatMoney(cents: number, locale = 'de'): string {
  const tag = intlLocale(locale);
  const money = format(`money:${tag}`, () => new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR' }));
  // Arabic formats start with a right-to-left mark; inside the isolate the amount reads left to right.
  return isolateLtr(money.format(cents / 100).replace(/[\u200e\u200f\u061c]/g, ''), locale);
}

/** `P1Y6M` as `1 Jahr, 6 Monate` (with each language's plural forms). */
export function formatDuration(iso: string, locale = 'de'): string {
  const tag = intlLocale(locale);
  const parts = [...iso.matchAll(/(\d+)([YMWD])/g)].map(([, n, unit]) =>
    format(
      `unit:${tag}:${unit}`,
      () => new Intl.NumberFormat(tag, { style: 'unit', unit: UNITS[unit], unitDisplay: 'long' }),
    ).format(Number(n)),
  );
  return parts.join(', ');
}

/**
 * The Handlebars environment for texts inside definitions (descriptions, documents, messages):
 * its own instance, so nothing leaks into the page templates, with helpers for money, durations,
 * lists and dates. Compiled templates are kept per source text.
 *
 * The result is **plain text**, never HTML: a shared definition comes from another tenant, so
 * neither its own words nor the values filled in may carry markup. Whoever puts the text into a
 * page escapes all of it (e.g. with `{{ }}` in a page template).
 */
export class TextTemplates {
  // Texts, not files: an environment without folders, from the one template loader.
  private readonly env: TemplateEnvironment = new TemplateLoader({
    dirs: [],
    helpers: {
      money: (cents: unknown, options: HelperOptions) =>
        typeof cents === 'number' ? formatMoney(cents, localeOf(options)) : '',
      duration: (iso: unknown, options: HelperOptions) =>
        typeof iso === 'string' ? formatDuration(iso, localeOf(options)) : '',
      join: (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''),
      date: (value: unknown, options: HelperOptions) => {
        const date = typeof value === 'string' || value instanceof Date ? new Date(value) : undefined;
        return date && !Number.isNaN(date.getTime())
          ? isolateLtr(
              date
                .toLocaleDateString(intlLocale(localeOf(options)), { timeZone: 'Europe/Berlin' })
                .replace(/[\u200e\u200f\u061c]/g, ''),
              localeOf(options),
            )
          : '';
      },
      text: (value: unknown, options: HelperOptions) =>
        value && typeof value === 'object'
          ? localized(value, localeOf(options))
          : typeof value === 'string' || typeof value === 'number'
            ? String(value)
            : '',
    },
    compileOptions: { strict: false, noEscape: true },
  }).environment();

  /** Renders the text of `locale` (German when missing) with `data`; `@locale` is set for the helpers. */
  render(text: LocalizedText | undefined, locale: string, data: object): string {
    const source = localized(text, locale);
    if (!source) return '';
    const template = this.env.compile(source);
    // A German fallback is formatted the German way (money, dates), not in the language asked for.
    return template(data, { data: { locale: shownLocale(text, locale) } });
  }
}

const localeOf = (options: HelperOptions): string =>
  ((options.data as { root?: unknown; locale?: string } | undefined)?.locale ?? 'de').split('-')[0];
