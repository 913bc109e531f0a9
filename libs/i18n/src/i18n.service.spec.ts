import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { I18n } from './i18n.service';
import { I18nError } from './i18n.error';

const libs = join(projectRoot(), 'libs');
const localeDirs = readdirSync(libs)
  .map((lib) => ({ lib, dir: join(libs, lib, 'locales') }))
  .filter(({ dir }) => existsSync(dir));

describe('I18n', () => {
  const i18n = new I18n();
  for (const { dir } of localeDirs) i18n.register(dir);

  it('has every German key in English too, in every lib', () => {
    const missing = i18n.keys('de').filter((key) => !i18n.has('en', key));
    expect(missing).toEqual([]);
  });

  it('fills parameters and falls back to German, then to the key', () => {
    expect(i18n.t('en', 'home.services.soon', { name: 'Marl' })).toBe(
      'The online services of Marl will be listed here soon.',
    );
    expect(i18n.t('de-x-ls', 'footer.imprint')).toBe('Wer macht diese Seite?');
    expect(i18n.t('de-x-ls', 'contact.phone')).toBe('Telefon');
    expect(i18n.t('fr', 'footer.imprint')).toBe('Impressum');
    expect(i18n.t('de', 'no.such.key')).toBe('no.such.key');
  });

  it('negotiates: explicit choice, then Accept-Language, then the tenant first locale', () => {
    expect(i18n.negotiate(['de', 'en'], 'en', 'de')).toBe('en');
    expect(i18n.negotiate(['de', 'en'], 'fr', 'en-US,en;q=0.8')).toBe('en');
    expect(i18n.negotiate(['de'], 'en', 'en')).toBe('de');
    expect(i18n.negotiate(['de', 'en'], undefined, undefined)).toBe('de');
  });

  it('knows only the texts of the folders registered with it', () => {
    const own = new I18n().register(join(libs, 'web', 'locales'));
    expect(own.has('de', 'footer.imprint')).toBe(true);
    expect(own.has('de', 'forms.summary.title')).toBe(false);
    // A folder registered twice (two modules importing the same feature) counts once.
    expect(() => own.register(join(libs, 'web', 'locales'))).not.toThrow();
  });

  describe('with a key defined in two folders', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'or-locales-'));
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'b'));
      writeFileSync(join(dir, 'a', 'de.json'), JSON.stringify({ 'x.title': 'A' }));
      writeFileSync(join(dir, 'b', 'de.json'), JSON.stringify({ 'x.title': 'B' }));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses the second, naming key and folder, and keeps the first', () => {
      const twice = new I18n().register(join(dir, 'a'));
      expect(() => twice.register(join(dir, 'b'))).toThrow(I18nError);
      expect(() => twice.register(join(dir, 'b'))).toThrow(/x\.title/);
      expect(twice.t('de', 'x.title')).toBe('A');
    });
  });
});

describe('locale folders', () => {
  it.each(localeDirs.map(({ lib }) => lib))('of %s are registered by its module', (lib) => {
    const module = join(libs, lib, 'src', `${lib}.module.ts`);
    const source = existsSync(module) ? readFileSync(module, 'utf8') : '';
    expect(source).toMatch(
      /I18nModule\.forFeature\(\{ dir: (join\(projectRoot\(\), 'libs', '[a-z]+', 'locales'\)|[A-Z_]+) \}\)/,
    );
  });
});
