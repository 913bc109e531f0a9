import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { I18nError, I18nErrorCode } from './i18n.error';
import { DEFAULT_LOCALE, fallbackLocales } from './localized-text';
import { readLocaleFile } from './locale-files';

export type Catalog = Record<string, string>;

/**
 * The texts of the platform, from the locale folders the modules register (`<locale>.json` each).
 * A missing key falls back along {@link fallbackLocales} (German), then shows the key itself.
 */
@Injectable()
export class I18n {
  private readonly catalogs = new Map<string, Catalog>();
  private readonly registered = new Set<string>();
  private readonly unreviewed = new Set<string>();

  /** Adds the texts of one locale folder; a key another folder defined already is refused. */
  register(dir: string): this {
    const folder = resolve(dir);
    if (this.registered.has(folder)) return this;
    const files = readdirSync(folder).filter((f) => f.endsWith('.json'));
    const read = files.map((file) => {
      const locale = file.slice(0, -5);
      const { texts, meta } = readLocaleFile(join(folder, file));
      if (!meta.reviewed) this.unreviewed.add(locale);
      const known = this.catalogs.get(locale) ?? {};
      // One text per key: a second one from another folder would silently win over the first.
      const twice = Object.keys(texts).find((key) => Object.hasOwn(known, key));
      if (twice) throw new I18nError(I18nErrorCode.DuplicateText, { key: twice, locale, dir: folder });
      return { locale, texts, known };
    });
    for (const { locale, texts, known } of read) this.catalogs.set(locale, { ...known, ...texts });
    this.registered.add(folder);
    return this;
  }

  /** The locales some registered folder has texts for. */
  locales(): string[] {
    return [...this.catalogs.keys()];
  }

  /** Whether every text of the locale was checked by a native speaker (see `_meta` in docs/languages.md). */
  reviewed(locale: string): boolean {
    return !this.unreviewed.has(locale);
  }

  /** The keys of one locale (for completeness checks). */
  keys(locale: string): string[] {
    return Object.keys(this.catalogs.get(locale) ?? {});
  }

  has(locale: string, key: string): boolean {
    return this.catalogs.get(locale)?.[key] !== undefined;
  }

  t(locale: string, key: string, params: Record<string, unknown> = {}): string {
    let text = key;
    for (const l of fallbackLocales(locale)) {
      const found = this.catalogs.get(l)?.[key];
      if (found !== undefined) {
        text = found;
        break;
      }
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }

  /**
   * The locale of a request: an explicit choice (query or cookie) when the tenant offers it,
   * else the best match of Accept-Language, else the tenant's first locale.
   */
  negotiate(offered: readonly string[], choice: string | undefined, acceptLanguage: string | undefined): string {
    if (choice && offered.includes(choice)) return choice;
    for (const part of (acceptLanguage ?? '').split(',')) {
      const tag = part.split(';')[0].trim().toLowerCase();
      const match = offered.find((l) => l === tag) ?? offered.find((l) => l === tag.split('-')[0]);
      if (match) return match;
    }
    return offered[0] ?? DEFAULT_LOCALE;
  }
}
