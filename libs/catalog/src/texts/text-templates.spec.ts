import Handlebars from 'handlebars';
import { localized } from '@openrathaus/i18n';
import { TextTemplates, formatDuration, formatMoney } from './text-templates';

const NBSP = '\u00a0';

describe('formatMoney', () => {
  it('writes cents as euros the German way, with the non-breaking space Intl puts before €', () => {
    expect(formatMoney(3070)).toBe(`30,70${NBSP}€`);
    expect(formatMoney(3070, 'de')).toBe(`30,70${NBSP}€`);
    expect(formatMoney(0, 'de')).toBe(`0,00${NBSP}€`);
    expect(formatMoney(5, 'de')).toBe(`0,05${NBSP}€`);
    expect(formatMoney(123456780, 'de')).toBe(`1.234.567,80${NBSP}€`);
  });

  it('writes cents as euros the English way', () => {
    expect(formatMoney(3070, 'en')).toBe('€30.70');
    expect(formatMoney(123456780, 'en')).toBe('€1,234,567.80');
  });

  it('uses German for every other locale', () => {
    expect(formatMoney(3070, 'fr')).toBe(`30,70${NBSP}€`);
    expect(formatMoney(3070, 'de-x-ls')).toBe(`30,70${NBSP}€`);
  });
});

describe('formatDuration', () => {
  it.each([
    ['P1Y', 'de', '1 Jahr'],
    ['P2Y', 'de', '2 Jahre'],
    ['P1M', 'de', '1 Monat'],
    ['P6M', 'de', '6 Monate'],
    ['P1W', 'de', '1 Woche'],
    ['P3W', 'de', '3 Wochen'],
    ['P1D', 'de', '1 Tag'],
    ['P14D', 'de', '14 Tage'],
    ['P1Y6M', 'de', '1 Jahr, 6 Monate'],
    ['P2Y1M1W3D', 'de', '2 Jahre, 1 Monat, 1 Woche, 3 Tage'],
    ['P1Y', 'en', '1 year'],
    ['P2Y', 'en', '2 years'],
    ['P1M', 'en', '1 month'],
    ['P14D', 'en', '14 days'],
    ['P1Y6M', 'en', '1 year, 6 months'],
    ['P1W', 'en', '1 week'],
    ['P6M', 'fr', '6 Monate'],
    ['P0D', 'de', '0 Tage'],
  ])('%s in %s is %j', (iso, locale, text) => {
    expect(formatDuration(iso, locale)).toBe(text);
  });

  it('is German by default', () => {
    expect(formatDuration('P1Y')).toBe('1 Jahr');
  });
});

describe('TextTemplates', () => {
  const texts = new TextTemplates();
  const params = { fee: 3070, validity: 'P1Y', zones: ['A', 'B', 'C'], note: { de: 'Bitte', en: 'Please' } };

  it('fills in parameters with the money, duration and join helpers, in German', () => {
    const text = {
      de: 'Kostet {{money params.fee}}, gilt {{duration params.validity}}, Zonen: {{join params.zones}}.',
    };
    expect(texts.render(text, 'de', { params })).toBe(`Kostet 30,70${NBSP}€, gilt 1 Jahr, Zonen: A, B, C.`);
  });

  it('formats for the locale asked for', () => {
    const text = {
      de: 'Kostet {{money params.fee}} für {{duration params.validity}}',
      en: 'Costs {{money params.fee}} for {{duration params.validity}}',
    };
    expect(texts.render(text, 'en', { params })).toBe('Costs €30.70 for 1 year');
    expect(texts.render(text, 'de', { params: { ...params, validity: 'P2Y' } })).toBe(
      `Kostet 30,70${NBSP}€ für 2 Jahre`,
    );
  });

  it('falls back to the German text when the locale has none', () => {
    expect(texts.render({ de: 'Zonen: {{join params.zones}}' }, 'en', { params })).toBe('Zonen: A, B, C');
    expect(texts.render({ de: 'Hallo', en: 'Hello' }, 'de-x-ls', {})).toBe('Hallo');
  });

  // BUG: when a text falls back to German, the helpers still format for the locale asked for, so an English
  // reader of a German-only description gets `Kostet €30.70 für 1 year` (German words, English money and units).
  it('formats a German fallback text the German way', () => {
    const text = { de: 'Kostet {{money params.fee}} für {{duration params.validity}}' };
    expect(texts.render(text, 'en', { params })).toBe(`Kostet 30,70${NBSP}€ für 1 Jahr`);
  });

  // BUG: the shape check lets other languages be empty (`en: ""`), and `localized` falls back only for a missing
  // language, so such a text renders as nothing in English instead of in German.
  it('falls back to German for an empty translation', () => {
    expect(localized({ de: 'Hallo', en: '' }, 'en')).toBe('Hallo');
    expect(texts.render({ de: 'Hallo', en: '' }, 'en', {})).toBe('Hallo');
  });

  it('gives the text of a localized parameter with the text helper', () => {
    const text = { de: 'Hinweis: {{text params.note}}', en: 'Note: {{text params.note}}' };
    expect(texts.render(text, 'en', { params })).toBe('Note: Please');
    expect(texts.render(text, 'de', { params })).toBe('Hinweis: Bitte');
    expect(texts.render({ de: '{{text 3}}|{{text "x"}}|{{text params.nope}}' }, 'de', { params })).toBe('3|x|');
  });

  it('formats dates in Berlin time', () => {
    const text = { de: 'bis {{date validUntil}}', en: 'until {{date validUntil}}' };
    expect(texts.render(text, 'de', { validUntil: '2026-03-01' })).toBe('bis 1.3.2026');
    expect(texts.render(text, 'en', { validUntil: '2026-03-01' })).toBe('until 01/03/2026');
    expect(texts.render(text, 'de', { validUntil: '2026-03-01T23:30:00Z' })).toBe('bis 2.3.2026');
    expect(texts.render(text, 'de', { validUntil: new Date('2026-12-31T12:00:00Z') })).toBe('bis 31.12.2026');
    expect(texts.render(text, 'de', { validUntil: 'morgen' })).toBe('bis ');
  });

  it('writes nothing for values the helpers cannot format', () => {
    const text = { de: '[{{money params.fee}}][{{duration params.validity}}][{{join params.zones}}][{{money x}}]' };
    expect(texts.render(text, 'de', { params: { fee: '3070', validity: 1, zones: 'A' } })).toBe('[][][][]');
  });

  it('gives plain text: values are not escaped here but by whoever puts the text into a page', () => {
    const text = { de: 'Name: {{answers.name}}; Zonen: {{join params.zones}}' };
    const data = {
      answers: { name: '<script>alert("x")</script> & Co' },
      params: { zones: ['<b>A</b>', "B'"] },
    };
    expect(texts.render(text, 'de', data)).toBe('Name: <script>alert("x")</script> & Co; Zonen: <b>A</b>, B\'');
    // Triple braces change nothing: there is no HTML to let through.
    expect(texts.render({ de: '{{{answers.name}}}' }, 'de', data)).toBe('<script>alert("x")</script> & Co');
  });

  it('renders missing values as nothing and an absent text as the empty string', () => {
    expect(texts.render({ de: 'Hallo {{answers.name}}!' }, 'de', {})).toBe('Hallo !');
    expect(texts.render(undefined, 'de', {})).toBe('');
    expect(texts.render({ de: '' }, 'de', {})).toBe('');
  });

  it('keeps helpers to its own Handlebars instance', () => {
    // Another instance still works and the global Handlebars knows nothing of `money`.
    const other = new TextTemplates();
    expect(other.render({ de: '{{money 100}}' }, 'de', {})).toBe(`1,00${NBSP}€`);
    expect(Handlebars.helpers.money).toBeUndefined();
  });

  it('renders the same source with other data each time (compiled once)', () => {
    const text = { de: '{{money params.fee}}' };
    expect(texts.render(text, 'de', { params: { fee: 100 } })).toBe(`1,00${NBSP}€`);
    expect(texts.render(text, 'de', { params: { fee: 250 } })).toBe(`2,50${NBSP}€`);
    expect(texts.render(text, 'en', { params: { fee: 250 } })).toBe(`2,50${NBSP}€`); // German text, German format
    expect(texts.render({ ...text, en: 'Fee {{money params.fee}}' }, 'en', { params: { fee: 250 } })).toBe('Fee €2.50');
  });
});
