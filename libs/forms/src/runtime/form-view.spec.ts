import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import { I18n } from '@openrathaus/i18n';
import { ViewEngine } from '@openrathaus/web';
import { FORM_LOCALES, FORM_PARTIALS } from '../forms.module';
import type { FormDefinition } from '../form.model';
import { answersFromFormPost } from './form-post';
import { pageView } from './form-view';
import { summaryView } from './summary-view';
import { dateText } from './value-text';
import { fieldDomId } from './view-context';
import { validateAnswers } from './validate-answers';

const referenceForm = (owner: string, key: string, version: string): FormDefinition =>
  (
    parse(readFileSync(join(projectRoot(), 'tenants', owner, 'processes', key, `${version}.yaml`), 'utf8')) as {
      form: FormDefinition;
    }
  ).form;

const parking = referenceForm('gelsenkirchen', 'bewohnerparkausweis', '1.2.0');
const params = { zones: ['A', 'B'], postalCodes: ['45879', '45881'], secondVehicle: 'no', fee: 3070 };
const i18n = new I18n().register(join(projectRoot(), 'libs', 'web', 'locales')).register(FORM_LOCALES);
const engine = new ViewEngine(i18n);
engine.registerPartials(FORM_PARTIALS);
const t = (key: string, values?: Record<string, unknown>) => i18n.t('de', key, values);

function render(page: 'application-form' | 'application-summary', view: object, locale = 'de'): string {
  const base = {
    locale,
    htmlLang: locale,
    title: 'Bewohnerparkausweis',
    theme: '',
    languages: [],
    site: { name: 'Gelsenkirchen' },
  };
  return engine.render(page, { ...base, ...view, service: { title: 'Bewohnerparkausweis beantragen' } });
}

function formPage(
  pageId: string,
  answers: Record<string, unknown> = {},
  options: { errors?: boolean; locale?: string; p?: object } = {},
) {
  const locale = options.locale ?? 'de';
  const p = { ...params, ...options.p };
  const errors = options.errors
    ? validateAnswers(parking, answers, { params: p, pageIds: [pageId], today: '2026-06-15' }).errors
    : [];
  const view = pageView(parking, pageId, {
    answers,
    errors,
    locale,
    params: p,
    csrfToken: 'tok<en>',
    action: `/antraege/1/schritt/${pageId}`,
    today: '2026-06-15',
    t: (key, values) => i18n.t(locale, key, values),
  });
  if (!view) throw new Error(`no page ${pageId}`);
  return { view, html: render('application-form', view, locale) };
}

const ids = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
const attributeValues = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`\\s${name}="([^"]+)"`, 'g'))].map((m) => m[1]);

/** Every id unique, every aria-describedby and label target and summary link pointing at one. */
function expectSoundReferences(html: string): void {
  const all = ids(html);
  expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([]);
  const known = new Set(all);
  for (const list of attributeValues(html, 'aria-describedby'))
    for (const id of list.split(' ')) expect(known).toContain(id);
  for (const id of attributeValues(html, 'for')) expect(known).toContain(id);
  for (const href of attributeValues(html, 'href').filter((h) => h.startsWith('#field-')))
    expect(known).toContain(href.slice(1));
}

describe('application-form.hbs with the Bewohnerparkausweis 1.2.0', () => {
  it('renders every page with labels, steps, the token and the buttons', () => {
    const pages = ['antragsteller', 'fahrzeug', 'parkzone', 'erklaerung'];
    pages.forEach((pageId, i) => {
      const { html } = formPage(pageId);
      expect(html).toContain(`Schritt ${i + 1} von 4`);
      expect(html).toContain('name="_csrf" value="tok&lt;en&gt;"');
      expect(html).toContain('value="next"');
      expect(html).toContain('Speichern und später fortsetzen');
      expect(html.includes('value="back"')).toBe(i > 0);
      expect(html).toContain('Bewohnerparkausweis beantragen');
      expectSoundReferences(html);
    });
    const person = formPage('antragsteller').html;
    for (const label of [
      'Vorname(n)',
      'Familienname',
      'Geburtsdatum',
      'Anschrift (Hauptwohnsitz)',
      'Postleitzahl',
      'E-Mail-Adresse',
    ]) {
      expect(person).toContain(label);
    }
    expect(person).toContain('<legend class="kern-label">Anschrift (Hauptwohnsitz)');
    expect(person).toMatch(/<input[^>]+id="field-geburtsdatum"[^>]+type="date"[^>]+max="2026-06-15"/);
    expect(person).toMatch(/id="field-email"[^>]+type="email"[^>]+autocomplete="email"/);
    expect(person).toMatch(/Telefonnummer für Rückfragen <span class="kern-label__optional">\(optional\)<\/span>/);
    expect(person).toContain('An diese Adresse senden wir den Parkausweis zum Ausdrucken.');
    expect(person).not.toContain('enctype');
  });

  it('posts the vehicle page as multipart, with its file fields and a condition without JavaScript', () => {
    const { html, view } = formPage('fahrzeug');
    expect(view.multipart).toBe(true);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toMatch(
      /<input[^>]+id="field-zulassung"[^>]+name="zulassung"[^>]+type="file"[^>]+accept="application\/pdf,image\/jpeg,image\/png"/,
    );
    expect(html).toContain('value="upload:zulassung"');
    // The keeper's statement depends on the keeper, asked on the same page: shown, with when it applies.
    expect(html).toContain(
      'Nur auszufüllen, wenn Sie bei „Auf wen ist das Fahrzeug zugelassen?“ nicht „auf mich (eigenes Fahrzeug)“ angeben.',
    );
    expect(html).toMatch(
      /<fieldset class="kern-fieldset"[^>]*>\s*<legend class="kern-label">Auf wen ist das Fahrzeug zugelassen\?/,
    );
    expect(html).toMatch(
      /<input class="kern-form-check__radio" id="field-halter" name="halter" type="radio" value="eigen">/,
    );
    // The second plate depends on the adopter's parameter: hidden unless allowed.
    expect(html).not.toContain('zweitesKennzeichen');
    expect(formPage('fahrzeug', {}, { p: { secondVehicle: 'yes' } }).html).toContain('id="field-zweitesKennzeichen"');
  });

  it('shows the error summary with links to the fields, and marks each field', () => {
    const answers = {
      vorname: '',
      geburtsdatum: '2030-01-01',
      anschrift: { street: 'Markt', postalCode: '123' },
      email: 'x@',
    };
    const { html, view } = formPage('antragsteller', answers, { errors: true });
    expect(view.documentTitle).toBe('Fehler: Angaben zu Ihrer Person');
    expect(html).toMatch(/<div class="kern-alert kern-alert--danger[^"]*" role="alert"/);
    expect(html).toMatch(/<h2 class="kern-title" id="form-errors-title" tabindex="-1"/);
    const links = attributeValues(html, 'href').filter((h) => h.startsWith('#field-'));
    expect(links).toEqual([
      '#field-vorname',
      '#field-nachname',
      '#field-geburtsdatum',
      '#field-anschrift-houseNumber',
      '#field-anschrift-postalCode',
      '#field-anschrift-city',
      '#field-email',
    ]);
    expect(html).toContain('Vorname(n): ist erforderlich.');
    expect(html).toContain('Geburtsdatum: darf nicht nach dem 15.06.2026 liegen.');
    expect(html).toContain('Anschrift (Hauptwohnsitz), Postleitzahl: muss eine fünfstellige Postleitzahl sein.');
    expect(html).toMatch(/id="field-vorname"[^>]+aria-describedby="field-vorname--error" aria-invalid="true"/);
    expect(html).toMatch(/<p class="kern-error" id="field-vorname--error">/);
    expect(html).toMatch(/id="field-anschrift-street"[^>]+value="Markt"/);
    expect(html).not.toMatch(/id="field-telefon"[^>]+aria-invalid/);
    expectSoundReferences(html);
  });

  it('links a rule error of the whole address to its first part', () => {
    const answers = { anschrift: { street: 'Markt', houseNumber: '1', postalCode: '10115', city: 'Berlin' } };
    const { html } = formPage('antragsteller', answers, { errors: true });
    expect(html).toContain(
      '<a class="kern-link" href="#field-anschrift-street">Die Anschrift muss im Gemeindegebiet liegen.</a>',
    );
    expectSoundReferences(html);
  });

  it('speaks English where the definition and the locales do', () => {
    const { html } = formPage('erklaerung', {}, { locale: 'en' });
    expect(html).toContain('Step 4 of 4');
    expect(html).toContain('I have read the privacy notice.');
    expect(html).toContain('Save and continue later');
  });

  it('escapes answers', () => {
    const { html } = formPage('antragsteller', { vorname: '<script>alert(1)</script>' });
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert');
  });

  it('lists uploaded files with a button to remove each, keeping their ids in the post', () => {
    const answers = { halter: 'eigen', zulassung: ['att-1'] };
    const attachments = {
      zulassung: [{ id: 'att-1', mediaType: 'application/pdf', size: 123_456, filename: 'Schein.pdf' }],
    };
    const view = pageView(parking, 'fahrzeug', { answers, locale: 'de', params, attachments, t });
    const html = render('application-form', view!);
    expect(html).toContain('<input type="hidden" name="zulassung" value="att-1">');
    expect(html).toContain('Schein.pdf (120,6 KB)');
    expect(html).toContain('value="remove-file:att-1"');
    // One file is all the field takes: no further upload, and the error link still has a target.
    expect(html).not.toContain('value="upload:zulassung"');
    expect(html).toMatch(/<ul class="kern-list" id="field-zulassung" tabindex="-1"/);
    expectSoundReferences(html);
  });
});

describe('repeatable groups on the page', () => {
  const form: FormDefinition = {
    pages: [
      {
        id: 'p',
        title: { de: 'Pferde' },
        items: [
          {
            id: 'pferde',
            type: 'group',
            title: { de: 'Pferd' },
            repeat: { min: 1, max: 2 },
            items: [
              { id: 'name', type: 'text', label: { de: 'Name' }, required: true },
              {
                id: 'farben',
                type: 'checkboxes',
                label: { de: 'Farben' },
                options: [{ value: 'braun', label: { de: 'braun' } }],
              },
            ],
          },
          { id: 'telefone', type: 'phone', label: { de: 'Telefon' }, repeat: { min: 0, max: 3 } },
        ],
      },
    ],
  };

  it('renders entries with add and remove buttons and posts back what it rendered', () => {
    const one = render('application-form', pageView(form, 'p', { answers: {}, locale: 'de', params: {}, t })!);
    expect(one).toContain('<input type="hidden" name="pferde._count" value="1">');
    expect(one).toContain('<legend class="kern-label">Pferd 1</legend>');
    expect(one).toContain('id="field-pferde-0-name" name="pferde.0.name"');
    expect(one).toContain('value="add:pferde"');
    expect(one).not.toContain('value="remove:pferde.0"');
    expect(one).toContain('name="telefone.0"');
    expectSoundReferences(one);

    const post = answersFromFormPost(form, 'p', {
      'pferde._count': '1',
      'pferde.0.name': 'Max',
      _action: 'add:pferde',
    });
    const { answers, errors } = validateAnswers(form, post.answers, { params: {} });
    const two = pageView(form, 'p', { answers, errors, locale: 'de', params: {}, t })!;
    const html = render('application-form', two);
    expect(html).toContain('<legend class="kern-label">Pferd 2</legend>');
    expect(html).toContain('value="remove:pferde.1"');
    expect(html).not.toContain('value="add:pferde"');
    expect(two.errors).toEqual([{ href: '#field-pferde-1-name', text: 'Pferd 2, Name: ist erforderlich.' }]);
    expectSoundReferences(html);
  });
});

describe('application-summary.hbs', () => {
  const answers = {
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-02-01',
    anschrift: { street: 'Markt', houseNumber: '1', postalCode: '45879', city: 'Gelsenkirchen' },
    email: 'erika@example.de',
    kennzeichen: 'GE-AB 123',
    halter: 'eigen',
    zulassung: ['att-1'],
    zone: 'A',
    versicherung: true,
    datenschutz: true,
  };
  const attachments = { zulassung: [{ id: 'att-1', mediaType: 'application/pdf', size: 1, filename: 'Schein.pdf' }] };

  it('lists the answers per page with links to change them and the submit button', () => {
    const view = summaryView(parking, {
      answers,
      locale: 'de',
      params,
      attachments,
      csrfToken: 'tok',
      action: '/antraege/1/absenden',
      editUrl: (pageId) => `/antraege/1/schritt/${pageId}`,
      t,
    });
    expect(view.pages.map((p) => p.id)).toEqual(['antragsteller', 'fahrzeug', 'parkzone', 'erklaerung']);
    const html = render('application-summary', view);
    expect(html).toContain('<dt class="kern-description-list-item__key">Geburtsdatum</dt>');
    expect(html).toContain('01.02.1980');
    expect(html).toContain('Markt 1<br>45879 Gelsenkirchen');
    expect(html).toContain('auf mich (eigenes Fahrzeug)');
    expect(html).toContain('Schein.pdf');
    expect(html).toContain('keine Angabe');
    expect(html).toContain('href="/antraege/1/schritt/fahrzeug"');
    expect(html).toContain('Ändern<span class="kern-sr-only">: Fahrzeug</span>');
    expect(html).toContain('action="/antraege/1/absenden"');
    expect(html).toContain('Absenden');
    expect(html).not.toContain('Zweites Kennzeichen');
  });

  it('links errors found at submission to the page of their field', () => {
    const errors = validateAnswers(parking, { ...answers, zone: 'Z' }, { params, attachments }).errors;
    const view = summaryView(parking, {
      answers,
      errors,
      locale: 'de',
      params,
      attachments,
      editUrl: (p) => `/s/${p}`,
      t,
    });
    expect(view.errors).toEqual([
      {
        href: '/s/parkzone',
        text: 'Diese Bewohnerparkzone gibt es hier nicht. Bitte die Bezeichnung aus der Leistungsbeschreibung übernehmen.',
      },
    ]);
    expect(render('application-summary', view)).toContain('role="alert"');
  });
});

describe('view helpers', () => {
  it('writes dates per language and DOM ids without dots', () => {
    expect(dateText('2026-06-15', 'de')).toBe('15.06.2026');
    expect(dateText('2026-06-15', 'en')).toBe('15 June 2026');
    expect(fieldDomId('kinder.0.anschrift.postalCode')).toBe('field-kinder-0-anschrift-postalCode');
  });

  it('has no page for an unknown id', () => {
    expect(pageView(parking, 'nope', { answers: {}, locale: 'de', params, t })).toBeUndefined();
  });
});
