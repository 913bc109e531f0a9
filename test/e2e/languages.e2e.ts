/**
 * The eight languages over HTTP: `lang` and `dir` of every page, the language choice in each
 * language's own name with `hreflang` alternates, remembered, kept apart in the page cache; the
 * note on unreviewed translations; a service without the chosen language said once and marked
 * German. BITV 2.0: the accessibility statement with the NRW enforcement body, and a report of a
 * barrier that reaches the office by e-mail and the back office.
 */
import { Client } from 'pg';
import { TestResponse, get, postForm } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { staffSession } from '../support-staff';

const setCookies = (r: TestResponse): string[] => {
  const value = r.headers['set-cookie'];
  return Array.isArray(value) ? value : value ? [value] : [];
};
const cookieOf = (r: TestResponse, name: string) =>
  setCookies(r)
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('languages and accessibility', () => {
  let portal: TestPortal;
  const host = 'gelsenkirchen.localhost';
  const page = (path: string, headers: Record<string, string> = {}) => get(portal.port, path, host, headers);

  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(() => portal?.stop());

  it('gives every page lang and dir, Arabic right to left, Leichte Sprache as German', async () => {
    const expected: [string, string, string][] = [
      ['de', 'de', 'ltr'],
      ['en', 'en', 'ltr'],
      ['tr', 'tr', 'ltr'],
      ['ar', 'ar', 'rtl'],
      ['uk', 'uk', 'ltr'],
      ['ru', 'ru', 'ltr'],
      ['pl', 'pl', 'ltr'],
      ['de-x-ls', 'de', 'ltr'],
    ];
    for (const [code, lang, dir] of expected) {
      for (const path of [
        '/',
        '/leistungen',
        '/leistungen/bewohnerparkausweis',
        '/barrierefreiheit',
        '/konto/anmelden',
      ]) {
        const answer = await page(`${path}?lang=${code}`);
        expect([path, code, answer.status]).toEqual([path, code, 200]);
        expect(answer.body).toContain(`<html lang="${lang}" dir="${dir}">`);
      }
    }
  });

  it('offers each language in its own name with hreflang alternates, and remembers the choice', async () => {
    const home = await page('/?lang=ar');
    for (const [code, name] of [
      ['de', 'Deutsch'],
      ['tr', 'Türkçe'],
      ['ar', 'العربية'],
      ['uk', 'Українська'],
      ['ru', 'Русский'],
      ['pl', 'Polski'],
      ['de-x-ls', 'Leichte Sprache'],
    ]) {
      // Handlebars writes `=` in an attribute as `&#x3D;`; the browser reads it as `=`.
      expect(home.body).toContain(`<link rel="alternate" hreflang="${code}" href="/?lang&#x3D;${code}">`);
      expect(home.body).toMatch(new RegExp(`hreflang="${code}"[^>]*>${name}</a>`));
    }
    expect(home.body).toContain('aria-current="true">العربية</a>');
    expect(cookieOf(home, 'lang')).toBe('lang=ar');
    const again = await page('/', { cookie: 'lang=ar' });
    expect(again.body).toContain('<html lang="ar" dir="rtl">');
    // The page cache keeps each language apart: German after Arabic is German.
    expect((await page('/?lang=de')).body).toContain('<html lang="de" dir="ltr">');
    expect((await page('/', { cookie: 'lang=ar' })).body).toContain('بوابة الخدمات');
  });

  it('says on pages of an unreviewed translation that the German text applies, never in German', async () => {
    expect((await page('/?lang=tr')).body).toContain(
      'Bu çeviri henüz anadili Türkçe olan bir kişi tarafından kontrol edilmedi',
    );
    expect((await page('/?lang=ar')).body).toContain('class="or-unreviewed"');
    expect((await page('/?lang=de')).body).not.toContain('class="or-unreviewed"');
    expect((await page('/?lang=en')).body).not.toContain('class="or-unreviewed"');
  });

  it('shows a service in its language where it has it, else German, said once and marked German', async () => {
    const turkish = await page('/leistungen/bewohnerparkausweis?lang=tr');
    expect(turkish.body).toContain('Sakin park izni başvurusu');
    expect(turkish.body).not.toContain('or-unreviewed" role="note">Bu sayfa');
    const ukrainian = await page('/leistungen/bewohnerparkausweis?lang=uk');
    expect(ukrainian.body).toContain('Подати заяву на паркувальний дозвіл для мешканців');
    // Leichte Sprache: its own description, the rest German.
    const easy = await page('/leistungen/bewohnerparkausweis?lang=de-x-ls');
    expect(easy.body).toContain('Sie wohnen in einer Bewohner·park·zone?');
    // No Russian texts in the definition: German, with one note more than any Russian page has, the
    // German parts marked.
    const notes = (body: string) => body.match(/role="note">/g)?.length ?? 0;
    const russian = await page('/leistungen/bewohnerparkausweis?lang=ru');
    expect(notes(russian.body)).toBe(notes((await page('/?lang=ru')).body) + 1);
    expect(russian.body).toContain(
      '<h1 class="kern-heading-x-large" lang="de" dir="ltr">Bewohnerparkausweis beantragen</h1>',
    );
    // Arabic: the fee stays left to right inside the right-to-left text.
    const arabic = await page('/leistungen/bewohnerparkausweis?lang=ar');
    expect(arabic.body).toContain('التقدم بطلب تصريح وقوف للسكان');
    expect(arabic.body).toMatch(/\u2066[\d.,]+\s€\u2069/);
  });

  it('explains the home page in Leichte Sprache, open for those who chose it', async () => {
    const german = await page('/?lang=de');
    expect(german.body).toContain('<details class="or-easy-box">');
    expect(german.body).toContain('Das ist das Service-Portal von');
    const easy = await page('/?lang=de-x-ls');
    expect(easy.body).toContain('<details class="or-easy-box" open>');
    expect(german.body).toContain('href="/?lang&#x3D;de-x-ls" lang="de">Leichte Sprache</a>');
  });

  describe('accessibility statement and reports of barriers', () => {
    it('states conformity, known gaps, date, contact and the NRW enforcement body, in every language', async () => {
      const statement = await page('/barrierefreiheit');
      expect(statement.headers['cache-control']).toBe('no-store');
      for (const text of [
        'Erklärung zur Barrierefreiheit',
        'teilweise vereinbar',
        'Nicht barrierefreie Inhalte',
        'Diese Erklärung wurde am 7. Dezember 2026 erstellt.',
        'Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen',
        'ombudsstelle-barrierefreie-it@mags.nrw.de',
        'Barriere melden',
      ]) {
        expect(statement.body).toContain(text);
      }
      const arabic = await page('/barrierefreiheit?lang=ar');
      expect(arabic.body).toContain('بيان إمكانية الوصول');
      // The body's name stays German (its own name), marked so.
      expect(arabic.body).toContain('<p class="kern-body" lang="de"><strong>Ombudsstelle');
      expect((await page('/')).body).toContain('<a class="kern-link" href="/barrierefreiheit">Barrierefreiheit</a>');
    });

    it('refuses a report without a description naming the field, and one without its token', async () => {
      const form = await page('/barrierefreiheit?seite=%2Fleistungen');
      const cookie = cookieOf(form, 'or_csrf')!;
      expect(form.body).toContain('value="/leistungen"');
      const empty = await postForm(
        portal.port,
        '/barrierefreiheit',
        host,
        { _csrf: csrfIn(form.body), page: '/x' },
        { cookie },
      );
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('<title>Bitte prüfen Sie Ihre Angaben: Erklärung zur Barrierefreiheit');
      expect(empty.body).toContain(
        '<a class="kern-link" href="#f-description">Beschreibung der Barriere: ist erforderlich.</a>',
      );
      expect(empty.body).toMatch(
        /class="kern-alert kern-alert--danger or-error-summary" role="alert"[^>]*tabindex="-1" autofocus/,
      );
      const noToken = await postForm(portal.port, '/barrierefreiheit', host, { description: 'x' }, { cookie });
      expect(noToken.status).toBe(400);
      expect(noToken.body).toContain('or-error-summary');
    });

    it('mails a report to the office and lists it in the back office, where it is marked answered', async () => {
      const form = await page('/barrierefreiheit?lang=ar');
      const cookie = cookieOf(form, 'or_csrf')!;
      const sent = await postForm(
        portal.port,
        '/barrierefreiheit',
        host,
        {
          _csrf: csrfIn(form.body),
          page: '/leistungen/bewohnerparkausweis',
          description: 'لا يقرأ قارئ الشاشة زر الدفع',
          email: 'leser@example.org',
        },
        // The page's language comes along in its cookie, as from the browser that chose it.
        { cookie: `${cookie}; lang=ar` },
      );
      expect(sent.status).toBe(303);
      expect(sent.headers.location).toBe('/barrierefreiheit?gemeldet=1#gemeldet');
      expect((await page('/barrierefreiheit?gemeldet=1&lang=ar', { cookie })).body).toContain('شكرًا لك. وصلنا بلاغك.');

      const client = new Client({ connectionString: portal.db.ownerUrl });
      await client.connect();
      try {
        const mail = await eventually(async () => {
          const rows = await client.query<{ to_address: string; locale: string; status: string }>(
            `select to_address, locale, status from public.mails where template = 'barrier-report'`,
          );
          return rows.rows.find((r) => r.status === 'sent');
        });
        expect(mail).toMatchObject({ to_address: 'info@gelsenkirchen.de', locale: 'de' });
      } finally {
        await client.end();
      }

      const admin = await staffSession(portal, 'gelsenkirchen', 'barrieren@gelsenkirchen.de', 'tenant-admin');
      const list = await page('/backoffice/barrieren', { cookie: admin.cookie });
      expect(list.status).toBe(200);
      expect(list.body).toContain('لا يقرأ قارئ الشاشة زر الدفع');
      expect(list.body).toContain('leser@example.org');
      expect(list.body).toContain('Arabisch');
      const id = /action="\/backoffice\/barrieren\/([0-9a-f-]{36})\/beantwortet"/.exec(list.body)?.[1];
      const csrf = csrfIn(list.body);
      const answered = await postForm(
        portal.port,
        `/backoffice/barrieren/${id}/beantwortet`,
        host,
        { _csrf: csrf },
        { cookie: admin.cookie },
      );
      expect(answered.status).toBe(303);
      const after = await page('/backoffice/barrieren?hinweis=beantwortet', { cookie: admin.cookie });
      expect(after.body).toContain('Die Meldung ist als beantwortet markiert.');
      expect(after.body).toContain('beantwortet am');
    });
  });
});
