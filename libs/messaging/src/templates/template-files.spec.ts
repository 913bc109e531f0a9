import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { LOCALE_INFO, isLocale, writtenInScript } from '@openrathaus/i18n';

const dir = join(projectRoot(), 'libs', 'messaging', 'templates');
const templates = readdirSync(dir)
  .map((file) => /^(.+)\.([a-z]{2}(?:-x-[a-z]+)?)\.hbs$/.exec(file))
  .filter((m): m is RegExpExecArray => !!m && m[1] !== 'layout')
  .map(([file, name, locale]) => ({ file, name, locale }));
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const have = (locale: string) => templates.filter((t) => t.locale === locale).map((t) => t.name);
/** The names a template fills in, each once, sorted. */
const placeholders = (source: string) =>
  [...new Set([...source.matchAll(/\{\{[#/]?(?:if |each |unless )?([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();
/** What a reader reads of a template: placeholders and helpers taken out. */
const readable = (source: string) => source.replace(/^Subject:/, '').replace(/\{\{[^}]*\}\}/g, ' ');

/**
 * The citizens' mail templates in every language (see docs/languages.md): German for every one;
 * each language the same templates as Turkish, the first language after German and English that
 * has all of the citizens' mails; in its own script and with the German one's placeholders.
 */
describe('mail templates', () => {
  it('exist in German for every template and are named after a locale of the platform', () => {
    expect(templates.filter((t) => !isLocale(t.locale)).map((t) => t.file)).toEqual([]);
    const german = new Set(have('de'));
    expect(templates.filter((t) => !german.has(t.name)).map((t) => t.file)).toEqual([]);
  });

  it.each(['uk', 'ru', 'pl'])('exist in %s for every template there is in Turkish', (locale) => {
    const missing = have('tr').filter((name) => !have(locale).includes(name));
    expect(missing.map((name) => `${name}.${locale}.hbs`)).toEqual([]);
  });

  it.each(templates.filter((t) => t.locale !== 'de').map((t) => [t.file, t] as const))(
    '%s has a subject, the German placeholders and is in its own script',
    (_, { file, name, locale }) => {
      const source = read(file);
      expect(source).toMatch(/^Subject: \S.*\n\n\S/);
      expect(placeholders(source)).toEqual(placeholders(read(`${name}.de.hbs`)));
      expect(writtenInScript(locale, readable(source))).toBe(true);
      const { letters } = LOCALE_INFO[locale as keyof typeof LOCALE_INFO];
      if (letters) expect(readable(source)).toMatch(new RegExp(`[${letters}]`));
      const germanSubject = readable(read(`${name}.de.hbs`).split('\n')[0]).trim();
      if (/\p{L}/u.test(germanSubject)) expect(readable(source.split('\n')[0]).trim()).not.toBe(germanSubject);
    },
  );

  it("have their language's locale file in the messaging lib, whose `_meta` says whether they are reviewed", () => {
    // A language's templates are translated and reviewed with the lib's texts: one `_meta` for both.
    for (const locale of new Set(templates.map((t) => t.locale))) {
      const file = join(projectRoot(), 'libs', 'messaging', 'locales', `${locale}.json`);
      expect([locale, existsSync(file)]).toEqual([locale, true]);
    }
  });
});
