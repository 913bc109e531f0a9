import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { checkTranslation, ownLetterShare, readLocaleFile } from './locale-files';
import { LOCALES, isLocale } from './locales';

const libs = join(projectRoot(), 'libs');
const files = readdirSync(libs)
  .map((lib) => join(libs, lib, 'locales'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ dir, locale: f.slice(0, -5), name: `${dir.slice(libs.length + 1)}/${f}` })),
  );

describe('locale files', () => {
  it('are named after a locale of the platform', () => {
    expect(files.filter((f) => !isLocale(f.locale)).map((f) => f.name)).toEqual([]);
    expect(LOCALES).toContain('de-x-ls');
  });

  it.each(files.filter((f) => f.locale !== 'de').map((f) => [f.name, f] as const))(
    '%s has every German key, no other, in its own script and not left German',
    (_, { dir, locale }) => {
      const german = readLocaleFile(join(dir, 'de.json')).texts;
      const { texts, meta } = readLocaleFile(join(dir, `${locale}.json`));
      expect(checkTranslation(locale, texts, german, meta.sameAsGerman)).toEqual([]);
      expect(ownLetterShare(locale, texts)).toBeGreaterThanOrEqual(0.3);
    },
  );

  it('German files are in Latin letters', () => {
    for (const f of files.filter((x) => x.locale === 'de')) {
      const { texts } = readLocaleFile(join(f.dir, 'de.json'));
      expect(checkTranslation('de', texts, texts)).toEqual([]);
    }
  });
});

describe('checkTranslation', () => {
  const german = { a: 'Antrag stellen für {name}', b: 'Gebühr' };

  it('finds Latin text left in an Arabic file, and German text left in a Turkish one', () => {
    expect(checkTranslation('ar', { a: 'تقديم طلب لـ {name}', b: 'Gebühr' }, german)).toEqual([
      { key: 'b', problem: 'script', text: 'Gebühr' },
    ]);
    expect(checkTranslation('tr', { a: 'Antrag stellen für {name}', b: 'Ücret' }, german)).toEqual([
      { key: 'a', problem: 'same_as_german', text: 'Antrag stellen für {name}' },
    ]);
    expect(checkTranslation('uk', { a: 'Подати заяву для {name}', b: 'Збір' }, german)).toEqual([]);
  });

  it('finds a missing key, an extra key and a lost placeholder', () => {
    expect(checkTranslation('pl', { a: 'Złóż wniosek', c: 'x' }, german)).toEqual([
      { key: 'b', problem: 'missing' },
      { key: 'a', problem: 'placeholders', text: 'Złóż wniosek' },
      { key: 'c', problem: 'unknown_key' },
    ]);
  });

  it('lets Leichte Sprache leave out what it does not rewrite: those texts are shown in German', () => {
    expect(checkTranslation('de-x-ls', { b: 'Das kostet Geld' }, german)).toEqual([]);
    expect(checkTranslation('de-x-ls', { c: 'x' }, german)).toEqual([{ key: 'c', problem: 'unknown_key' }]);
  });

  it('counts the letters a language has and German has not', () => {
    expect(ownLetterShare('tr', { a: 'Başvurunuz başarıyla gönderildi.', b: 'Your application was sent to us.' })).toBe(
      0.5,
    );
    expect(ownLetterShare('en', { a: 'anything' })).toBe(1);
  });
});
