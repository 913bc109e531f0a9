import {
  HelperOptions,
  LocalizedText,
  TemplateEnvironment,
  TemplateLoader,
  localized,
  shownLocale,
} from '@openrathaus/i18n';

const UNITS: Record<string, { de: [string, string]; en: [string, string] }> = {
  Y: { de: ['Jahr', 'Jahre'], en: ['year', 'years'] },
  M: { de: ['Monat', 'Monate'], en: ['month', 'months'] },
  W: { de: ['Woche', 'Wochen'], en: ['week', 'weeks'] },
  D: { de: ['Tag', 'Tage'], en: ['day', 'days'] },
};

// Building a number format is costly (a fifth of a service page's time when done per call): one per language.
const MONEY = {
  de: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};

/** `3070` cents as `30,70 €` (German) or `€30.70` (English). */
export function formatMoney(cents: number, locale = 'de'): string {
  return (locale === 'en' ? MONEY.en : MONEY.de).format(cents / 100);
}

/** `P1Y6M` as `1 Jahr, 6 Monate`. */
export function formatDuration(iso: string, locale = 'de'): string {
  const lang = locale === 'en' ? 'en' : 'de';
  const parts = [...iso.matchAll(/(\d+)([YMWD])/g)].map(([, n, unit]) => {
    const [one, many] = UNITS[unit][lang];
    return `${n} ${Number(n) === 1 ? one : many}`;
  });
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
          ? date.toLocaleDateString(localeOf(options) === 'en' ? 'en-GB' : 'de-DE', { timeZone: 'Europe/Berlin' })
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
