import fc from 'fast-check';
import { FIELD_TYPES, FormDefinition, walkItems } from '../form.model';
import { hasForbiddenCharacters, textLength } from './field-formats';
import { FIELD_ERROR_KEYS } from './form-errors';
import { answersFromFormPost } from './form-post';
import { AttachmentRef, validateAnswers } from './validate-answers';

/** A form with one field of every type, a repeated group and a repeated field, for specs. */
const EVERY_TYPE: FormDefinition = {
  codeLists: {
    farben: {
      options: [
        { value: 'rot', label: { de: 'rot' } },
        { value: 'blau', label: { de: 'blau', en: 'blue' } },
      ],
    },
  },
  pages: [
    {
      id: 'eins',
      title: { de: 'Eins', en: 'One' },
      items: [
        { id: 'text', type: 'text', label: { de: 'Text' }, constraints: { maxLength: 20 } },
        { id: 'longText', type: 'longText', label: { de: 'Langer Text' } },
        { id: 'number', type: 'number', label: { de: 'Zahl' }, constraints: { min: 0, max: 1000, decimals: 2 } },
        { id: 'date', type: 'date', label: { de: 'Datum' }, constraints: { minDate: '1900-01-01', maxDate: 'today' } },
        { id: 'email', type: 'email', label: { de: 'E-Mail' } },
        { id: 'phone', type: 'phone', label: { de: 'Telefon' } },
        { id: 'select', type: 'select', label: { de: 'Auswahl' }, codeList: 'farben' },
        {
          id: 'radio',
          type: 'radio',
          label: { de: 'Knopf' },
          options: [
            { value: 'ja', label: { de: 'ja', en: 'yes' } },
            { value: 'nein', label: { de: 'nein', en: 'no' } },
          ],
        },
        {
          id: 'checkboxes',
          type: 'checkboxes',
          label: { de: 'Haken' },
          codeList: 'farben',
          constraints: { maxItems: 2 },
        },
      ],
    },
    {
      id: 'zwei',
      title: { de: 'Zwei', en: 'Two' },
      items: [
        { id: 'file', type: 'file', label: { de: 'Datei' }, repeat: { min: 0, max: 3 } },
        { id: 'address', type: 'address', label: { de: 'Anschrift' } },
        { id: 'iban', type: 'iban', label: { de: 'IBAN' } },
        { id: 'licensePlate', type: 'licensePlate', label: { de: 'Kennzeichen' } },
        { id: 'info', type: 'info', text: { de: 'Zur Kenntnis' } },
        { id: 'consent', type: 'consent', label: { de: 'Einverstanden' } },
        {
          id: 'kinder',
          type: 'group',
          title: { de: 'Kind', en: 'Child' },
          repeat: { min: 0, max: 3 },
          items: [
            { id: 'vorname', type: 'text', label: { de: 'Vorname' }, required: true },
            { id: 'alter', type: 'number', label: { de: 'Alter' }, constraints: { decimals: 0 } },
          ],
        },
        { id: 'telefone', type: 'phone', label: { de: 'Weitere Telefonnummer' }, repeat: { min: 0, max: 3 } },
      ],
    },
  ],
};

const EVERY_TYPE_ATTACHMENTS: Record<string, AttachmentRef[]> = {
  file: [
    { id: 'a1', mediaType: 'application/pdf', size: 1000, filename: 'Nachweis.pdf' },
    { id: 'a2', mediaType: 'image/png', size: 2000, filename: 'Foto.png' },
    { id: 'a3', mediaType: 'image/jpeg', size: 3000, filename: 'Scan.jpg' },
  ],
};

/** Every answer path the form can have errors at (`kinder.<n>.vorname`, `address.postalCode`). */
const EVERY_TYPE_PATHS =
  /^(text|longText|number|date|email|phone|select|radio|checkboxes|file|address(\.(street|houseNumber|postalCode|city))?|iban|licensePlate|consent|kinder(\.\d+(\.(vorname|alter))?)?|telefone(\.\d+)?)$/;

const IDS = [...new Set(EVERY_TYPE.pages.flatMap((p) => [...walkItems(p.items)].map(({ item }) => item.id)))];
const ctx = { params: {}, today: '2026-06-15', attachments: EVERY_TYPE_ATTACHMENTS };
const KEYS = new Set<string>(FIELD_ERROR_KEYS);

/** Any JSON value, with strings of any code unit (lone surrogates, NUL, controls) among them. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: anyCodeUnit, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
  fc.dictionary(
    fc.constantFrom('street', 'houseNumber', 'postalCode', 'city', 'vorname', 'alter', 'x'),
    fc.jsonValue(),
  ),
  fc.array(fc.dictionary(fc.constantFrom('vorname', 'alter', '__proto__', 'x'), fc.jsonValue()), { maxLength: 5 }),
);

function expectSound(answers: unknown): void {
  const result = validateAnswers(EVERY_TYPE, answers, ctx);
  for (const error of result.errors) {
    expect(error.field).toMatch(EVERY_TYPE_PATHS);
    expect(KEYS.has(error.key)).toBe(true);
  }
  for (const key of Object.keys(result.answers)) expect(IDS).toContain(key);
  // What was kept is kept again unchanged: normalising twice changes nothing.
  expect(validateAnswers(EVERY_TYPE, result.answers, ctx).answers).toEqual(result.answers);
}

describe('validateAnswers on arbitrary input (property)', () => {
  it('has a field of every type', () => {
    const types = new Set(EVERY_TYPE.pages.flatMap((p) => [...walkItems(p.items)].map(({ item }) => item.type)));
    for (const type of FIELD_TYPES) expect(types).toContain(type);
  });

  it.each(IDS)('never throws on any JSON value for %s, and names only fields that exist', (id) => {
    fc.assert(fc.property(anyJson, (value) => expectSound({ [id]: value })));
  });

  it('never throws on any mix of answers and unknown keys', () => {
    const known = fc.record(Object.fromEntries(IDS.map((id) => [id, anyJson])), { requiredKeys: [] });
    const unknown = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 5 });
    fc.assert(fc.property(known, unknown, (a, b) => expectSound({ ...b, ...a })));
    fc.assert(fc.property(fc.anything(), (value) => expectSound(value)));
  });
});

const plainText = (max: number, multiline = false) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max })
    .filter(
      (s) => !hasForbiddenCharacters(s, multiline) && s.trim() !== '' && textLength(s.normalize('NFC').trim()) <= max,
    );
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const phone = digits(6, 12).map((d) => `+49 ${d}`);
const letters = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: min, maxLength: max });

/** A German IBAN with the right check digits, computed here with BigInt (not with the code under test). */
const iban = digits(18, 18).map((bban) => {
  const check = 98n - (BigInt(`${bban}131400`) % 97n);
  return `DE${String(check).padStart(2, '0')}${bban}`;
});

const plate = fc
  .tuple(letters(1, 3), letters(1, 2), fc.integer({ min: 1, max: 9999 }), fc.constantFrom('', 'E', 'H'))
  .filter(([d, l, n]) => d.length + l.length + String(n).length <= 8)
  .map(([d, l, n, s]) => `${d}-${l} ${n}${s}`);

const validAnswers = fc.record(
  {
    text: plainText(20),
    longText: plainText(200, true),
    number: fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
    date: fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-06-15T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    email: fc.emailAddress().filter((e) => e.length <= 254),
    phone,
    select: fc.constantFrom('rot', 'blau'),
    radio: fc.constantFrom('ja', 'nein'),
    checkboxes: fc.subarray(['rot', 'blau'], { minLength: 1 }),
    file: fc.subarray(['a1', 'a2', 'a3'], { minLength: 1 }),
    address: fc.record({
      street: plainText(50),
      houseNumber: digits(1, 3).map((d) => `${d}a`),
      postalCode: fc.integer({ min: 1000, max: 99999 }).map((n) => String(n).padStart(5, '0')),
      city: plainText(50),
    }),
    iban,
    licensePlate: plate,
    consent: fc.constant(true),
    kinder: fc.array(
      fc.record({ vorname: plainText(20), alter: fc.integer({ min: 0, max: 17 }) }, { requiredKeys: ['vorname'] }),
      {
        maxLength: 3,
      },
    ),
    telefone: fc.array(phone, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe('validateAnswers on valid answers (property)', () => {
  it('lets every valid answer pass', () => {
    fc.assert(
      fc.property(validAnswers, (answers) => {
        const result = validateAnswers(EVERY_TYPE, answers, ctx);
        expect(result.errors).toEqual([]);
        expect(Object.keys(result.answers).sort()).toEqual(
          Object.keys(answers)
            .filter(
              (k) =>
                !(
                  Array.isArray(answers[k as keyof typeof answers]) &&
                  (answers[k as keyof typeof answers] as unknown[]).length === 0
                ),
            )
            .sort(),
        );
      }),
    );
  });

  it('reads the same answers back from the HTML post the form page sends', () => {
    fc.assert(
      fc.property(validAnswers, (answers) => {
        const body: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(answers)) {
          if (key === 'kinder') {
            const kinder = value as { vorname: string; alter?: number }[];
            body['kinder._count'] = String(kinder.length);
            kinder.forEach((k, i) => {
              body[`kinder.${i}.vorname`] = k.vorname;
              body[`kinder.${i}.alter`] = k.alter === undefined ? '' : String(k.alter);
            });
          } else if (key === 'telefone') {
            (value as string[]).forEach((t, i) => (body[`telefone.${i}`] = t));
          } else if (key === 'address') {
            for (const [part, text] of Object.entries(value as Record<string, string>)) body[`address.${part}`] = text;
          } else if (key === 'number') {
            body.number = (value as number).toString().replace('.', ',');
          } else if (key === 'consent') {
            body.consent = 'true';
          } else {
            body[key] = value as string | string[];
          }
        }
        const posted = {
          ...answersFromFormPost(EVERY_TYPE, 'eins', body).answers,
          ...answersFromFormPost(EVERY_TYPE, 'zwei', body).answers,
        };
        const fromPost = validateAnswers(EVERY_TYPE, posted, ctx);
        expect(fromPost.errors).toEqual([]);
        expect(fromPost.answers).toEqual(validateAnswers(EVERY_TYPE, answers, ctx).answers);
      }),
    );
  });
});

const postName = fc.oneof(
  fc.constantFrom(
    ...IDS,
    'address.street',
    'address.postalCode',
    'kinder._count',
    'telefone._count',
    '_action',
    '_csrf',
  ),
  fc
    .tuple(fc.constantFrom('kinder', 'telefone'), fc.nat(200), fc.constantFrom('', '.vorname', '.alter', '.x'))
    .map(([a, i, b]) => `${a}.${i}${b}`),
  fc.string({ maxLength: 12 }),
);
const postValue = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 30 }),
  fc.array(fc.string({ unit: 'binary', maxLength: 10 }), { maxLength: 4 }),
  fc.constantFrom(
    'add:kinder',
    'remove:kinder.0',
    'add:telefone',
    'remove-file:a1',
    'upload:file',
    'true',
    'on',
    '1.234,5',
  ),
);

describe('answersFromFormPost on arbitrary posts (property)', () => {
  it('never throws, and what it gives fails validation by naming existing fields only', () => {
    fc.assert(
      fc.property(
        fc.dictionary(postName, postValue, { maxKeys: 12 }),
        fc.constantFrom('eins', 'zwei'),
        (body, pageId) => {
          const post = answersFromFormPost(EVERY_TYPE, pageId, body);
          expectSound(post.answers);
        },
      ),
    );
  });
});
