import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';

export type Catalog = Record<string, string>;

/** The locale every text exists in; others fall back to it key by key. */
export const DEFAULT_LOCALE = 'de';

/** German first, English second; a missing key falls back to German, then shows the key itself. */
@Injectable()
export class I18n {
  private readonly catalogs = new Map<string, Catalog>();

  /** The web lib's texts, then each feature lib's own (`libs/<lib>/locales/<locale>.json`). */
  constructor() {
    const libs = join(projectRoot(), 'libs');
    const dirs = ['web', ...readdirSync(libs).filter((lib) => lib !== 'web')]
      .map((lib) => join(libs, lib, 'locales'))
      .filter((dir) => existsSync(dir));
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const locale = file.slice(0, -5);
        const texts = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Catalog;
        const known = this.catalogs.get(locale) ?? {};
        // One text per key: a second one in another lib would silently win over the first.
        const twice = Object.keys(texts).find((key) => key in known);
        if (twice) throw new Error(`text ${twice} of ${locale} is defined twice (again in ${dir})`);
        this.catalogs.set(locale, { ...known, ...texts });
      }
    }
  }

  locales(): string[] {
    return [...this.catalogs.keys()];
  }

  has(locale: string, key: string): boolean {
    return this.catalogs.get(locale)?.[key] !== undefined;
  }

  t(locale: string, key: string, params: Record<string, unknown> = {}): string {
    const text = this.catalogs.get(locale)?.[key] ?? this.catalogs.get(DEFAULT_LOCALE)?.[key] ?? key;
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
