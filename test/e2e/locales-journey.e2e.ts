/**
 * Every citizen understands the portal: in each of the eight locales a citizen of Gelsenkirchen
 * registers, confirms, logs in, applies for the Bewohnerparkausweis page by page without
 * JavaScript, pays in the sandbox and downloads the permit, over HTTP. Every page has the locale's
 * `lang` and `dir`; its headings, labels and buttons are not the German ones, except the
 * definition's texts a locale lacks, which are German and marked so. The mails come in the
 * application's language (German where a template is missing); the permit's labels follow the
 * language its text is shown in (German for ru, pl and de-x-ls, whose texts the definition lacks).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { projectRoot } from '@openrathaus/core';
import { LOCALES, LOCALE_INFO, Locale, intlLocale, isolateLtr } from '@openrathaus/i18n';
import { TestResponse, certificatePdf, get, pdfText, postForm, sendBody } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { cookiesOf, payInSandbox } from '../support-citizen';
import { ParsedMail, TestSmtp, parseMail, startSmtp } from '../support-mail';

const HOST = 'gelsenkirchen.localhost';
const PASSWORD = 'ein sehr gutes Passwort 2026';

/** The locales the Bewohnerparkausweis (1.5.0) has its citizen-facing texts in. */
const DEFINITION_LOCALES: readonly Locale[] = ['de', 'en', 'tr', 'ar', 'uk'];

/**
 * The permit's own words (the definition's document template) and the subject of the mail that
 * brings it, in each language the definition has.
 */
const PERMIT: Record<string, { title: string; words: string[]; mail: string }> = {
  de: {
    title: 'Bewohnerparkausweis',
    words: ['BEWOHNERPARKAUSWEIS Nr.', 'Bewohnerparkzone', 'Gültig bis'],
    mail: 'Ihr Bewohnerparkausweis',
  },
  en: {
    title: 'Resident parking permit',
    words: ['RESIDENT PARKING PERMIT No.', 'Resident parking zone'],
    mail: 'Your resident parking permit',
  },
  tr: {
    title: 'Sakin park izni',
    words: ['SAKİN PARK İZNİ', 'Sakin park bölgesi', 'Son geçerlilik'],
    mail: 'Sakin park izniniz',
  },
  ar: {
    title: 'تصريح وقوف السكان',
    words: ['تصريح وقوف السكان رقم', 'منطقة وقوف السكان', 'صالح حتى'],
    mail: 'تصريح وقوف السكان الخاص بك',
  },
  uk: {
    title: 'Паркувальний дозвіл для мешканців',
    words: ['ПАРКУВАЛЬНИЙ ДОЗВІЛ ДЛЯ МЕШКАНЦІВ', 'Зона паркування для мешканців', 'Дійсний до'],
    mail: 'Ваш паркувальний дозвіл для мешканців',
  },
};

const SCRIPTS = { Latn: /\p{Script=Latin}/gu, Cyrl: /\p{Script=Cyrillic}/gu, Arab: /\p{Script=Arabic}/gu };

/** The share of a text's letters that are in `script`; addresses, numbers and names do not count. */
function scriptShare(text: string, script: keyof typeof SCRIPTS): number {
  const words = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/Stadt Gelsenkirchen|Gelsenkirchen|Erika|Mustermann|GE-[\w-]+|PDF|E-Mail/g, ' ');
  const letters = words.match(/\p{L}/gu)?.length ?? 0;
  return letters ? (words.match(SCRIPTS[script])?.length ?? 0) / letters : 0;
}

/** The first line of a German system template's subject and body up to its first placeholder. */
function germanTemplate(name: string): { subject: string; opening: string } {
  const source = readFileSync(join(projectRoot(), 'libs', 'messaging', 'templates', `${name}.de.hbs`), 'utf8');
  const [subjectLine, , ...body] = source.split('\n');
  const fixed = (s: string) => s.split('{{')[0].trim();
  return { subject: fixed(subjectLine.replace(/^Subject:\s*/, '')), opening: fixed(body.join('\n')) };
}

const localeFile = (lib: string, locale: string) =>
  JSON.parse(readFileSync(join(projectRoot(), 'libs', lib, 'locales', `${locale}.json`), 'utf8')) as Record<
    string,
    string
  >;

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

interface Shown {
  text: string;
  /** Marked German (`lang="de"` on the element or inside it): a definition's text the locale lacks. */
  german: boolean;
}

/** What a reader sees first of a page: its title, headings, legends, labels and buttons. */
function shownTexts(html: string): Shown[] {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  const found: Shown[] = [];
  for (const m of main.matchAll(/<(h1|h2|h3|legend|label|button)\b([^>]*)>([\s\S]*?)<\/\1>/g)) {
    found.push({ text: decode(m[3]), german: /\blang="de"/.test(m[2] + m[3]) });
  }
  // The title cannot carry `lang`: it is German where the main text says the same in German.
  const title = decode(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? '').split(' – ')[0];
  found.push({ text: title, german: found.some((s) => s.german && s.text === title) });
  return found.filter((s) => /\p{L}{3}/u.test(s.text));
}

/** A form post with files, as a browser sends a page with file inputs. */
function multipart(fields: Record<string, string>, files: Record<string, { filename: string; bytes: Buffer }>) {
  const boundary = `----openrathauslocales${Date.now()}`;
  const parts = [
    ...Object.entries(fields).map(([name, value]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    ),
    ...Object.entries(files).flatMap(([name, file]) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ];
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('the whole journey in each of the eight locales', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let certificate: Buffer;

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    certificate = await certificatePdf();
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  describe.each([...LOCALES])('in %s', (locale) => {
    const info = LOCALE_INFO[locale];
    /** German-speaking locales: Leichte Sprache rewrites some texts and keeps the rest German. */
    const germanish = locale === 'de' || locale === 'de-x-ls';
    /** The language the definition's texts (form, permit, its mail) are shown in. */
    const shown = DEFINITION_LOCALES.includes(locale) ? locale : 'de';
    const email = `buerger.${locale}@example.org`;
    let cookie = '';
    let id = '';
    let number = '';
    let documentUrl = '';

    /** Follows the response's cookies, as a browser would. */
    const keep = (response: TestResponse) => {
      cookie = cookiesOf(response, cookie);
      return response;
    };
    const open = async (path: string) => keep(await get(portal.port, path, HOST, { cookie }));
    const post = async (path: string, fields: Record<string, string>) =>
      keep(await postForm(portal.port, path, HOST, fields, { cookie }));
    const location = (response: TestResponse) => String(response.headers.location ?? '');

    /**
     * The page is in the locale: `lang` and `dir`, and none of its headings, labels and buttons is
     * the German one unmarked. Compared with the same page in German where `german` is a path to GET.
     */
    async function expectInLocale(page: TestResponse, name: string, german?: string) {
      expect([name, page.status]).toEqual([name, 200]);
      expect(page.body).toContain(`<html lang="${info.htmlLang}" dir="${info.dir}">`);
      if (germanish) return;
      const texts = shownTexts(page.body);
      expect(texts.length).toBeGreaterThan(1);
      if (german !== undefined) {
        const inGerman = await get(portal.port, german, HOST, { cookie: cookie.replace(/lang=[^;]*/, 'lang=de') });
        expect(inGerman.body).toContain('<html lang="de" dir="ltr">');
        const germanTexts = new Set(shownTexts(inGerman.body).map((s) => s.text));
        const left = texts.filter((s) => !s.german && germanTexts.has(s.text)).map((s) => s.text);
        expect([name, left]).toEqual([name, []]);
      }
      // A definition's text shown in German is there only where the definition lacks the locale.
      if (shown === locale) expect([name, texts.filter((s) => s.german)]).toEqual([name, []]);
    }

    /** A mail to the citizen that matches, parsed, once the SMTP server has it. */
    const mailTo = (match: (mail: ParsedMail) => boolean) =>
      eventually(() =>
        Promise.resolve(
          smtp.received.map((m) => m.to.includes(email) && parseMail(m.raw)).find((m) => m && match(m)) || undefined,
        ),
      );

    /** The mail is in `lang` (its HTML says so), written in its script and not the German template. */
    function expectMailIn(mail: ParsedMail, lang: string, template?: string) {
      const expected = LOCALE_INFO[lang as Locale];
      expect(mail.html).toContain(`<html lang="${expected.htmlLang}" dir="${expected.dir}">`);
      for (const text of [mail.subject, mail.text]) expect(scriptShare(text, expected.script)).toBeGreaterThan(0.8);
      if (expected.letters) expect(mail.text).toMatch(new RegExp(`[${expected.letters}]`));
      if (template && lang !== 'de') {
        const german = germanTemplate(template);
        expect(mail.subject).not.toContain(german.subject);
        expect(mail.text).not.toContain(german.opening);
      }
    }

    it('registers in its language and gets the confirmation mail in it', async () => {
      const form = await open(`/konto/registrieren?lang=${locale}`);
      expect(cookie).toContain(`lang=${locale}`);
      await expectInLocale(form, 'register', '/konto/registrieren');
      const done = await post('/konto/registrieren', {
        _csrf: csrfIn(form.body),
        name: 'Erika Mustermann',
        email,
        password: PASSWORD,
      });
      await expectInLocale(done, 'registered');
      expect(done.body).toContain(email);

      const mail = await mailTo((m) => /\/konto\/bestaetigen\?token=/.test(m.text));
      // Leichte Sprache has no mail templates of its own: German.
      expectMailIn(mail, locale === 'de-x-ls' ? 'de' : locale, 'account-verify');
      const link = new URL(/https?:\/\/\S+\/konto\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0]);
      await expectInLocale(await open(link.pathname + link.search), 'confirmed');
    });

    it('logs in', async () => {
      const form = await open('/konto/anmelden');
      await expectInLocale(form, 'login', '/konto/anmelden');
      const login = await post('/konto/anmelden', { _csrf: csrfIn(form.body), email, password: PASSWORD });
      expect(login.status).toBe(303);
      expect(location(login)).toBe('/konto');
      await expectInLocale(await open('/konto'), 'account', '/konto');
    });

    it('applies page by page', async () => {
      await expectInLocale(await open('/leistungen/bewohnerparkausweis'), 'service', '/leistungen/bewohnerparkausweis');
      const start = await open('/leistungen/bewohnerparkausweis/antrag');
      await expectInLocale(start, 'start', '/leistungen/bewohnerparkausweis/antrag');
      const begun = await post('/leistungen/bewohnerparkausweis/antrag', { _csrf: csrfIn(start.body) });
      expect(begun.status).toBe(303);
      const first = location(begun);
      id = /^\/antraege\/([0-9a-f-]{36})\/schritt\/antragsteller$/.exec(first)![1];

      const pages: [string, Record<string, string>, Record<string, { filename: string; bytes: Buffer }>?][] = [
        [
          'antragsteller',
          {
            vorname: 'Erika',
            nachname: 'Mustermann',
            geburtsdatum: '1985-03-02',
            'anschrift.street': 'Ebertstraße',
            'anschrift.houseNumber': '11',
            'anschrift.postalCode': '45879',
            'anschrift.city': 'Gelsenkirchen',
            email,
          },
        ],
        [
          'fahrzeug',
          { kennzeichen: 'GE-LS 123', halter: 'eigen' },
          { zulassung: { filename: 'zulassung.pdf', bytes: certificate } },
        ],
        // One of Gelsenkirchen's zones (tenant.yaml).
        ['parkzone', { zone: 'Altstadt' }],
        ['erklaerung', { versicherung: 'true', datenschutz: 'true' }],
      ];
      let path = first;
      for (const [pageId, fields, files] of pages) {
        expect(path).toBe(`/antraege/${id}/schritt/${pageId}`);
        const page = await open(path);
        await expectInLocale(page, pageId, path);
        const answers = { _csrf: csrfIn(page.body), ...fields, _action: 'next' };
        let saved: TestResponse;
        if (files) {
          const { body, contentType } = multipart(answers, files);
          saved = keep(await sendBody(portal.port, 'POST', path, HOST, body, { cookie, 'content-type': contentType }));
        } else {
          saved = await post(path, answers);
        }
        expect([pageId, saved.status, saved.status === 303 ? '' : saved.body]).toEqual([pageId, 303, '']);
        path = location(saved);
      }
      expect(path).toBe(`/antraege/${id}/zusammenfassung`);
      await expectInLocale(await open(path), 'summary', path);
    });

    it('submits, pays in the sandbox and gets the receipt in its language', async () => {
      const summary = await open(`/antraege/${id}/zusammenfassung`);
      const submitted = await post(`/antraege/${id}/absenden`, { _csrf: csrfIn(summary.body) });
      expect(submitted.status).toBe(303);
      const payUrl = location(submitted);
      expect(payUrl).toMatch(/\/_sandbox\/xbezahldienste\/pay\//);
      const payPage = new URL(payUrl);
      await expectInLocale(await get(portal.port, payPage.pathname, payPage.host, { cookie }), 'sandbox');
      const back = new URL(location(await payInSandbox(portal, payUrl)), `http://${HOST}`);
      const returned = await open(back.pathname + back.search);
      expect(returned.status).toBe(303);
      expect(location(returned)).toBe(`/antraege/${id}`);

      const status = await eventually(async () => {
        const page = await open(`/antraege/${id}`);
        return /href="\/antraege\/[0-9a-f-]{36}\/dokumente\/[0-9a-f-]{36}"/.test(page.body) && page;
      }, 30_000);
      await expectInLocale(status, 'status', `/antraege/${id}`);
      documentUrl = /href="(\/antraege\/[0-9a-f-]{36}\/dokumente\/[0-9a-f-]{36})"/.exec(status.body)![1];
      number = /GE-\d{4}-\d{6}/.exec(status.body)![0];
      // The permit's last day in the page's language (Western digits, left to right in Arabic).
      const view = JSON.parse((await get(portal.port, `/api/v1/applications/${id}`, HOST, { cookie })).body) as {
        documents: { validUntil: string }[];
      };
      const lastDay = new Date(view.documents[0].validUntil).toLocaleDateString(intlLocale(locale), {
        dateStyle: 'long',
        timeZone: 'Europe/Berlin',
      });
      expect(status.body).toContain(isolateLtr(lastDay, locale));

      const receipt = await mailTo((m) => m.subject.includes(number) && !m.parts.some((p) => p.filename));
      expectMailIn(receipt, locale === 'de-x-ls' ? 'de' : locale, 'application-submitted');
      expect(receipt.text).toContain(`/antraege/${id}`);
    });

    it('gets the permit by mail in the language of the definition it was made with', async () => {
      const mail = await mailTo((m) => m.parts.some((p) => p.contentType === 'application/pdf'));
      expectMailIn(mail, shown);
      expect(mail.subject).toContain(`${PERMIT[shown].mail} ${number}`);
      expect(mail.text).toContain('GE-LS 123');
    });

    it('downloads the permit, whose text and labels are in the language its text is shown in', async () => {
      const { status, type, bytes } = await getBytes(portal.port, documentUrl, cookie);
      expect([status, type]).toEqual([200, 'application/pdf']);
      const text = (await pdfText(bytes)).join('\n').normalize('NFKC');
      const permit = PERMIT[shown];
      for (const words of permit.words) expect(text).toContain(words);
      const labels = localeFile('documents', shown);
      for (const key of ['documents.pdf.holder', 'documents.pdf.issuedAt', 'documents.pdf.number']) {
        expect(text).toContain(labels[key]);
      }
      if (shown !== locale && locale !== 'de-x-ls') {
        // Labels follow the text: no Russian label around a German permit.
        const own = localeFile('documents', locale);
        expect(text).not.toContain(own['documents.pdf.holder']);
      }
      expect(text).toContain('GE-LS 123');
      expect(text).toContain(number);
      expect(text).not.toContain('?');
      const document = await PDFDocument.load(bytes);
      expect(document.getTitle()).toBe(permit.title);
      const language = document.catalog.lookup(PDFName.of('Lang'), PDFString, PDFHexString);
      expect(language.decodeText()).toBe(shown);
    });
  });
});

/** A GET's body as bytes (the shared test client reads bodies as UTF-8 text). */
function getBytes(
  port: number,
  path: string,
  cookie: string,
): Promise<{ status: number; type: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: HOST, cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          bytes: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
