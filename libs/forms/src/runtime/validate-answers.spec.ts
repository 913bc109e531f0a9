import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import type { FieldDefinition, FormDefinition, FormItem } from '../form.model';
import { validateAnswers, ValidationContext } from './validate-answers';

const referenceForm = (owner: string, key: string): FormDefinition =>
  (
    parse(readFileSync(join(projectRoot(), 'tenants', owner, 'processes', key, '1.0.0.yaml'), 'utf8')) as {
      form: FormDefinition;
    }
  ).form;

const onePage = (...items: FormItem[]): FormDefinition => ({ pages: [{ id: 'p', title: { de: 'P' }, items }] });
const field = (type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  id: 'f',
  type,
  label: { de: 'Feld' },
  ...extra,
});
const ctx: ValidationContext = { params: {}, today: '2026-06-15' };

/** The single field's normalised answer and its error keys by path. */
function check(f: FieldDefinition, value: unknown, context: Partial<ValidationContext> = {}) {
  const { answers, errors } = validateAnswers(onePage(f), { [f.id]: value }, { ...ctx, ...context });
  return { value: answers[f.id], errors: Object.fromEntries(errors.map((e) => [e.field, e.key])), all: errors };
}

describe('validateAnswers: text', () => {
  it('trims, normalises and keeps a text', () => {
    expect(check(field('text'), '  Müller\u0301 ')).toEqual({
      value: 'Müller\u0301'.normalize('NFC'),
      errors: {},
      all: [],
    });
    expect(check(field('longText'), 'a\r\nb\tc').value).toBe('a\nb\tc');
  });

  it('counts length in characters, with a default cap of 10,000', () => {
    expect(check(field('text', { constraints: { maxLength: 3 } }), '😀😀😀').errors).toEqual({});
    expect(check(field('text', { constraints: { maxLength: 3 } }), 'abcd')).toMatchObject({
      value: 'abcd',
      errors: { f: 'too_long' },
    });
    expect(check(field('text', { constraints: { minLength: 3 } }), 'ab').errors).toEqual({ f: 'too_short' });
    expect(check(field('longText'), 'x'.repeat(10_001)).errors).toEqual({ f: 'too_long' });
    const huge = check(field('text'), 'x'.repeat(5_000_000));
    expect(huge).toMatchObject({ value: undefined, errors: { f: 'too_long' } });
  });

  it('matches the pattern against the whole answer', () => {
    const ueln = field('text', { constraints: { pattern: '[0-9A-Za-z]{15}' } });
    expect(check(ueln, '276098106543210').errors).toEqual({});
    expect(check(ueln, '276098106543210x').errors).toEqual({ f: 'pattern' });
  });

  it('turns wrong types and control characters into errors, never exceptions, and keeps none of them', () => {
    for (const bad of [{ a: 1 }, ['a'], 42, null, true, 'a\u0000b', 'a\nb', '\ud800']) {
      expect(check(field('text'), bad)).toMatchObject({ value: undefined, errors: { f: 'invalid' } });
    }
  });

  it('treats an empty or blank text as no answer', () => {
    expect(check(field('text', { required: true }), '   ')).toMatchObject({
      value: undefined,
      errors: { f: 'required' },
    });
    expect(check(field('text'), '').errors).toEqual({});
  });
});

describe('validateAnswers: numbers and dates', () => {
  const amount = field('number', { constraints: { min: 0, max: 100, decimals: 2 } });

  it('takes numbers and German number texts', () => {
    expect(check(amount, 12.5).value).toBe(12.5);
    expect(check(amount, '12,50').value).toBe(12.5);
    expect(check(amount, '99').value).toBe(99);
  });

  it('checks the limits and the decimal places', () => {
    expect(check(amount, -1).errors).toEqual({ f: 'min' });
    expect(check(amount, '100,01').errors).toEqual({ f: 'max' });
    expect(check(amount, '1,234').errors).toEqual({ f: 'decimals' });
    expect(check(field('number', { constraints: { decimals: 0 } }), '12,0').errors).toEqual({});
    expect(check(amount, 'zwölf')).toMatchObject({ value: 'zwölf', errors: { f: 'number' } });
    expect(check(amount, Infinity).errors).toEqual({ f: 'invalid' });
  });

  it('takes calendar dates within their limits, today included', () => {
    const birth = field('date', { constraints: { maxDate: 'today', minDate: '1900-01-01' } });
    expect(check(birth, '1980-02-01').value).toBe('1980-02-01');
    expect(check(birth, '1.2.1980').value).toBe('1980-02-01');
    expect(check(birth, '2026-06-15').errors).toEqual({});
    expect(check(birth, '2026-06-16').all).toEqual([{ field: 'f', key: 'date_max', params: { max: '2026-06-15' } }]);
    expect(check(birth, '1899-12-31').errors).toEqual({ f: 'date_min' });
    expect(check(birth, '2023-02-29')).toMatchObject({ value: '2023-02-29', errors: { f: 'date' } });
  });
});

describe('validateAnswers: kinds of text', () => {
  it('checks and normalises e-mail, phone, IBAN and licence plate', () => {
    expect(check(field('email'), 'Max@Example.DE')).toMatchObject({ value: 'Max@example.de', errors: {} });
    expect(check(field('email'), 'max@').errors).toEqual({ f: 'email' });
    expect(check(field('phone'), '0209  169-0').value).toBe('0209 169-0');
    expect(check(field('phone'), 'ruf mich an').errors).toEqual({ f: 'phone' });
    expect(check(field('iban'), 'de89 3704 0044 0532 0130 00').value).toBe('DE89370400440532013000');
    expect(check(field('iban'), 'DE00 3704 0044 0532 0130 00').errors).toEqual({ f: 'iban' });
    expect(check(field('licensePlate'), 're ab 123').value).toBe('RE-AB 123');
    expect(check(field('licensePlate'), 'RE-X 1E').value).toBe('RE-X 1E');
    expect(check(field('licensePlate'), 'XYZ').errors).toEqual({ f: 'license_plate' });
  });
});

describe('validateAnswers: choices', () => {
  const options = [
    { value: 'a', label: { de: 'A' } },
    { value: 'b', label: { de: 'B' } },
    { value: 'c', label: { de: 'C' } },
  ];

  it('takes only offered values, also from a code list', () => {
    const form: FormDefinition = {
      codeLists: { abc: { options } },
      pages: [{ id: 'p', title: { de: 'P' }, items: [field('select', { codeList: 'abc' })] }],
    };
    expect(validateAnswers(form, { f: 'b' }, ctx)).toEqual({ answers: { f: 'b' }, errors: [] });
    expect(validateAnswers(form, { f: 'x' }, ctx)).toEqual({ answers: {}, errors: [{ field: 'f', key: 'option' }] });
    expect(check(field('radio', { options }), 1).errors).toEqual({ f: 'invalid' });
  });

  it('takes checkboxes as a list of offered values, in the order of the options, with limits', () => {
    const boxes = field('checkboxes', { options, constraints: { minItems: 2, maxItems: 2 } });
    expect(check(boxes, ['c', 'a', 'a'])).toMatchObject({ value: ['a', 'c'], errors: {} });
    expect(check(boxes, ['a']).errors).toEqual({ f: 'min_items' });
    expect(check(boxes, ['a', 'b', 'c']).errors).toEqual({ f: 'max_items' });
    expect(check(boxes, ['a', 'zz'])).toMatchObject({ value: ['a'], errors: { f: 'option' } });
    expect(check(boxes, 'a').errors).toEqual({ f: 'invalid' });
    expect(check(field('checkboxes', { options, required: true }), []).errors).toEqual({ f: 'required' });
  });
});

describe('validateAnswers: files', () => {
  const attachments = {
    f: [
      { id: 'a1', mediaType: 'application/pdf', size: 100 },
      { id: 'a2', mediaType: 'image/gif', size: 100 },
    ],
  };

  it('takes attachment ids the application holds for the field', () => {
    expect(check(field('file'), ['a1'], { attachments })).toMatchObject({ value: ['a1'], errors: {} });
    expect(check(field('file'), 'a1', { attachments }).value).toEqual(['a1']);
    expect(check(field('file'), ['nope'], { attachments })).toMatchObject({
      value: undefined,
      errors: { f: 'file_missing' },
    });
    expect(check(field('file'), ['a1'], {}).errors).toEqual({ f: 'file_missing' });
    expect(check(field('file', { required: true }), [], { attachments }).errors).toEqual({ f: 'required' });
  });

  it('holds one file, or as many as repeat allows, of the accepted types', () => {
    const many = { f: [...attachments.f, { id: 'a3', mediaType: 'image/png', size: 5 }] };
    expect(check(field('file'), ['a1', 'a3'], { attachments: many }).errors).toEqual({ f: 'max_items' });
    expect(check(field('file', { repeat: { min: 2, max: 3 } }), ['a1', 'a3'], { attachments: many }).errors).toEqual(
      {},
    );
    expect(check(field('file', { repeat: { min: 2, max: 3 } }), ['a1'], { attachments: many }).errors).toEqual({
      f: 'min_items',
    });
    expect(check(field('file'), ['a2'], { attachments }).errors).toEqual({ f: 'invalid' });
  });

  it('finds attachments of a field in a repeated group by path or by field id', () => {
    const form = onePage({
      id: 'personen',
      type: 'group',
      title: { de: 'Person' },
      repeat: { min: 1 },
      items: [field('file', { id: 'titel' })],
    });
    const pdf = { mediaType: 'application/pdf', size: 1 };
    const result = validateAnswers(
      form,
      { personen: [{ titel: ['x'] }, { titel: ['y'] }] },
      {
        ...ctx,
        attachments: { 'personen.0.titel': [{ id: 'x', ...pdf }], titel: [{ id: 'y', ...pdf }] },
      },
    );
    expect(result.errors).toEqual([]);
  });
});

describe('validateAnswers: address and consent', () => {
  it('checks each part and names it', () => {
    const address = field('address', { id: 'anschrift', required: true });
    const { answers, errors } = validateAnswers(
      onePage(address),
      { anschrift: { street: ' Markt ', postalCode: '4587', city: 'GE', extra: 'x' } },
      ctx,
    );
    expect(answers).toEqual({ anschrift: { street: 'Markt', postalCode: '4587', city: 'GE' } });
    expect(errors).toEqual([
      { field: 'anschrift.postalCode', key: 'postal_code' },
      { field: 'anschrift.houseNumber', key: 'required' },
    ]);
    expect(validateAnswers(onePage(address), {}, ctx).errors).toEqual([{ field: 'anschrift', key: 'required' }]);
    expect(validateAnswers(onePage(address), { anschrift: 'Markt 1' }, ctx).errors).toEqual([
      { field: 'anschrift', key: 'invalid' },
    ]);
    expect(validateAnswers(onePage(address), { anschrift: { street: 7 } }, ctx).errors).toEqual([
      { field: 'anschrift.street', key: 'invalid' },
    ]);
  });

  it('wants true for a required consent', () => {
    const consent = field('consent', { required: true });
    expect(check(consent, true)).toEqual({ value: true, errors: {}, all: [] });
    expect(check(consent, false).errors).toEqual({ f: 'consent' });
    expect(check(consent, 'on').errors).toEqual({ f: 'invalid' });
    expect(check(field('consent'), false)).toMatchObject({ value: undefined, errors: {} });
  });

  it('keeps no answer for an info text', () => {
    expect(check(field('info', { text: { de: 'Hinweis' } }), 'x')).toEqual({ value: undefined, errors: {}, all: [] });
  });
});

describe('validateAnswers: rules', () => {
  const form: FormDefinition = {
    pages: [
      {
        id: 'p',
        title: { de: 'P' },
        items: [
          {
            id: 'kfz',
            type: 'radio',
            label: { de: 'Kfz?' },
            required: true,
            options: [
              { value: 'ja', label: { de: 'ja' } },
              { value: 'nein', label: { de: 'nein' } },
            ],
          },
          {
            id: 'begruendung',
            type: 'longText',
            label: { de: 'Warum nicht?' },
            visibleIf: { '==': [{ var: 'answers.kfz' }, 'ja'] },
            requiredIf: { '==': [{ var: 'answers.kfz' }, 'ja'] },
          },
          {
            id: 'zone',
            type: 'text',
            label: { de: 'Zone' },
            validations: [
              { rule: { in: [{ var: 'answers.zone' }, { var: 'params.zones' }] }, message: { de: 'Gibt es nicht.' } },
            ],
          },
        ],
      },
      {
        id: 'q',
        title: { de: 'Q' },
        visibleIf: { '==': [{ var: 'answers.kfz' }, 'nein'] },
        items: [{ id: 'nur', type: 'text', label: { de: 'Nur ohne Kfz' }, required: true }],
      },
    ],
  };
  const params = { zones: ['A', 'B'] };

  it('drops hidden items and hidden pages from the answers and does not check them', () => {
    const hidden = validateAnswers(form, { kfz: 'nein', begruendung: 'weil', nur: 'x' }, { params });
    expect(hidden).toEqual({ answers: { kfz: 'nein', nur: 'x' }, errors: [] });
    const shown = validateAnswers(form, { kfz: 'ja', begruendung: 'weil', nur: 'x' }, { params });
    expect(shown).toEqual({ answers: { kfz: 'ja', begruendung: 'weil' }, errors: [] });
  });

  it('asks for a field required by rule', () => {
    expect(validateAnswers(form, { kfz: 'ja' }, { params }).errors).toEqual([
      { field: 'begruendung', key: 'required' },
    ]);
  });

  it('reports a failed validation with its message, and only for an answer given', () => {
    expect(validateAnswers(form, { kfz: 'ja', begruendung: 'x', zone: 'C' }, { params }).errors).toEqual([
      { field: 'zone', key: 'rule', message: { de: 'Gibt es nicht.' } },
    ]);
    expect(validateAnswers(form, { kfz: 'ja', begruendung: 'x', zone: 'B' }, { params }).errors).toEqual([]);
  });

  it('reports the errors of the pages asked for only, but normalises all answers', () => {
    const result = validateAnswers(form, { kfz: 'nein', zone: ' C ', unbekannt: 1 }, { params, pageIds: ['q'] });
    expect(result).toEqual({ answers: { kfz: 'nein', zone: 'C' }, errors: [{ field: 'nur', key: 'required' }] });
  });

  it('ignores unknown keys and keys of the prototype', () => {
    const answers = JSON.parse('{"__proto__": {"x": 1}, "constructor": "y", "kfz": "ja", "begruendung": "b"}');
    const result = validateAnswers(form, answers, { params });
    expect(result.answers).toEqual({ kfz: 'ja', begruendung: 'b' });
    expect(Object.getPrototypeOf(result.answers)).toBe(Object.prototype);
    expect(validateAnswers(form, 'no object', { params }).errors).toEqual([{ field: 'kfz', key: 'required' }]);
  });
});

describe('validateAnswers: repeated groups and fields', () => {
  const form = onePage(
    {
      id: 'kinder',
      type: 'group',
      title: { de: 'Kind' },
      repeat: { min: 1, max: 2 },
      items: [
        { id: 'vorname', type: 'text', label: { de: 'Vorname' }, required: true },
        {
          id: 'schule',
          type: 'text',
          label: { de: 'Schule' },
          visibleIf: { '>=': [{ var: 'item.alter' }, 6] },
          requiredIf: { '>=': [{ var: 'item.alter' }, 6] },
        },
        { id: 'alter', type: 'number', label: { de: 'Alter' } },
      ],
    },
    { id: 'telefone', type: 'phone', label: { de: 'Telefon' }, repeat: { min: 0, max: 2 } },
  );

  it('names errors by entry and checks rules against the entry', () => {
    const result = validateAnswers(form, { kinder: [{ vorname: 'Ada', alter: 4, schule: 'x' }, { alter: '7' }] }, ctx);
    expect(result.answers).toEqual({ kinder: [{ vorname: 'Ada', alter: 4 }, { alter: 7 }] });
    expect(result.errors).toEqual([
      { field: 'kinder.1.vorname', key: 'required' },
      { field: 'kinder.1.schule', key: 'required' },
    ]);
  });

  it('checks the number of entries', () => {
    expect(validateAnswers(form, {}, ctx).errors).toEqual([{ field: 'kinder', key: 'required' }]);
    const three = validateAnswers(form, { kinder: [{ vorname: 'a' }, { vorname: 'b' }, { vorname: 'c' }] }, ctx);
    expect(three.errors).toEqual([{ field: 'kinder', key: 'max_items', params: { max: 2 } }]);
    expect(three.answers.kinder).toHaveLength(2);
    expect(validateAnswers(form, { kinder: [{ vorname: 'a' }, 'x'] }, ctx).errors).toEqual([
      { field: 'kinder.1', key: 'invalid' },
    ]);
    expect(validateAnswers(form, { kinder: { vorname: 'a' } }, ctx).errors).toEqual([
      { field: 'kinder', key: 'invalid' },
    ]);
  });

  it('leaves empty values of a repeated field out and names the others by index', () => {
    const result = validateAnswers(form, { kinder: [{ vorname: 'a' }], telefone: ['', '0209 1690', 'x'] }, ctx);
    expect(result.answers.telefone).toEqual(['0209 1690', 'x']);
    expect(result.errors).toEqual([{ field: 'telefone.1', key: 'phone' }]);
  });
});

describe('validateAnswers: reference definitions', () => {
  it('accepts a complete Fahrdienst application and finds what is missing', () => {
    const form = referenceForm('dortmund', 'fahrdienst');
    const pdf = (id: string) => ({ id, mediaType: 'application/pdf', size: 1000 });
    const answers = {
      antragFuer: 'selbst',
      vorname: 'Erika',
      nachname: 'Mustermann',
      geburtsdatum: '1950-03-01',
      anschrift: { street: 'Friedensplatz', houseNumber: '1', postalCode: '44135', city: 'Dortmund' },
      telefon: '0231 500',
      email: 'erika@example.de',
      merkzeichen: ['aG'],
      gdb: 80,
      ausweis: ['f1'],
      rollstuhl: 'nein',
      kfz: 'nein',
      fahrtenProMonat: '8',
      fahrtzwecke: ['kultur'],
      leistungsbezug: 'keine',
      nettoeinkommen: '1.234,56',
      vermoegen: 0,
      einkommensnachweis: ['f2'],
      versicherung: true,
      datenweitergabe: true,
      nachweisVergleichbar: ['f3'],
    };
    const attachments = { ausweis: [pdf('f1')], einkommensnachweis: [pdf('f2')], nachweisVergleichbar: [pdf('f3')] };
    const result = validateAnswers(form, answers, { params: {}, attachments, today: '2026-06-15' });
    expect(result.errors).toEqual([]);
    expect(result.answers.nettoeinkommen).toBe(1234.56);
    // "aG" makes the comparable proof invisible: it is dropped, not kept.
    expect(result.answers.nachweisVergleichbar).toBeUndefined();
    const missing = validateAnswers(
      form,
      { ...answers, merkzeichen: ['G'], kfz: 'ja', nachweisVergleichbar: undefined },
      { params: {}, attachments },
    );
    expect(missing.errors).toEqual([
      { field: 'nachweisVergleichbar', key: 'required' },
      { field: 'kfzBegruendung', key: 'required' },
    ]);
  });
});
