import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type FieldDefinition,
  type FormDefinition,
  type FormItem,
  type GroupDefinition,
  walkItems,
} from '../form.model';
import { importXdf, type XdfFault, type XdfImport, type XdfImportOptions } from './xdf-import';

const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures/xdatenfelder');
const NS2 = 'urn:xoev-de:fim:standard:xdatenfelder_2';
const NS3 = 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0';

const fixture = (version: 'v2' | 'v3', name: string) => readFileSync(join(FIXTURES, version, name), 'utf8');

/** The import of a document that must succeed; fails the test with the faults otherwise. */
function imported(xml: string, options?: XdfImportOptions): { value: XdfImport; warnings: XdfFault[] } {
  const result = importXdf(xml, options);
  if (!result.ok) throw new Error(`expected an import, got faults: ${JSON.stringify(result.faults, null, 2)}`);
  expectValidIds(result.value.form);
  return result;
}

/** The faults of a document that must be refused. */
function faultsOf(xml: string): XdfFault[] {
  const result = importXdf(xml);
  if (result.ok) throw new Error(`expected faults, got an import: ${JSON.stringify(result.value, null, 2)}`);
  expect(result.faults.length).toBeGreaterThan(0);
  for (const fault of result.faults) {
    expect(fault.reason.en).not.toBe('');
    expect(fault.reason.de).not.toBe('');
  }
  return result.faults;
}

/** Every page and item id matches the form id pattern and is unique in the form. */
function expectValidIds(form: FormDefinition): void {
  const ids = [
    ...form.pages.map((page) => page.id),
    ...[...walkItems(form.pages.flatMap((page) => page.items))].map(({ item }) => item.id),
  ];
  for (const id of ids) expect(id).toMatch(/^[a-zA-Z][a-zA-Z0-9_]*$/);
  expect(new Set(ids).size).toBe(ids.length);
}

const items = (value: XdfImport): FormItem[] =>
  [...walkItems(value.form.pages.flatMap((page) => page.items))].map(({ item }) => item);

function fieldOf(value: XdfImport, id: string): FieldDefinition {
  const item = items(value).find((candidate) => candidate.id === id);
  if (!item || item.type === 'group') throw new Error(`no field ${id}`);
  return item;
}

function groupOf(value: XdfImport, id: string): GroupDefinition {
  const item = items(value).find((candidate) => candidate.id === id);
  if (!item || item.type !== 'group') throw new Error(`no group ${id}`);
  return item;
}

const pathsOf = (faults: XdfFault[]) => faults.map((fault) => fault.path);

// --- builders for small XDatenfelder 3.0.0 documents ---------------------------------------------

const identification = (id: string) =>
  `<xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>`;
const code = (element: string, value: string) => `<xdf:${element}><code>${value}</code></xdf:${element}>`;

interface FieldSpec {
  feldart?: string;
  datentyp?: string;
  label?: string;
  /** Further elements after datentyp (praezisierung, inhalt, werte, …). */
  extra?: string;
}

function field3(
  id: string,
  { feldart = 'input', datentyp = 'text', label = `Feld ${id}`, extra = '' }: FieldSpec = {},
) {
  return `<xdf:datenfeld>${identification(id)}<xdf:name>${label}</xdf:name><xdf:bezeichnungEingabe>${label}</xdf:bezeichnungEingabe>${code('feldart', feldart)}${code('datentyp', datentyp)}${extra}</xdf:datenfeld>`;
}

function group3(id: string, structure: string, extra = '') {
  return `<xdf:datenfeldgruppe>${identification(id)}<xdf:name>Gruppe ${id}</xdf:name><xdf:bezeichnungEingabe>Gruppe ${id}</xdf:bezeichnungEingabe>${extra}${structure}</xdf:datenfeldgruppe>`;
}

const entry = (anzahl: string, element: string) =>
  `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt>${element}</xdf:enthaelt></xdf:struktur>`;

/** A v3 group message whose root group G0 holds `structure`. */
const message3 = (structure: string, rootExtra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<xdf:xdatenfelder.datenfeldgruppe.0103 xmlns:xdf="${NS3}">${group3('G0', structure, rootExtra)}</xdf:xdatenfelder.datenfeldgruppe.0103>`;

const values = (...entries: Array<[string, string]>) =>
  `<xdf:werte>${entries.map(([c, n]) => `<xdf:wert><xdf:code>${c}</xdf:code><xdf:name>${n}</xdf:name></xdf:wert>`).join('')}</xdf:werte>`;

/** A v2 schema message with one field whose praezisierung is `precision`. */
const message2 = (precision: string, datentyp = 'text') =>
  `<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${NS2}"><xdf:stammdatenschema>${identification('S1')}<xdf:name>Schema</xdf:name>` +
  entry(
    '1:1',
    `<xdf:datenfeld>${identification('F1')}<xdf:name>Feld</xdf:name>${code('feldart', 'input')}${code('datentyp', datentyp)}<xdf:praezisierung>${precision}</xdf:praezisierung></xdf:datenfeld>`,
  ) +
  '</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>';

// --- the fixtures ----------------------------------------------------------------------------------

/** What each fixture must give: checks on the import, or the faults (path and English reason). */
const expectations: Record<string, () => void> = {
  'v2/simple.xml': () => {
    const { value, warnings } = imported(fixture('v2', 'simple.xml'));
    expect(warnings).toEqual([]);
    expect(value).toMatchObject({
      standard: '2.0',
      id: 'T1234',
      version: '1.0',
      title: 'Test',
      description: 'Eine Beschreibung',
    });
    expect(value.form.pages).toHaveLength(1);
    expect(value.form.pages[0].title).toEqual({ de: 'Natürliche Person' });
    const group = groupOf(value, 'G00000082');
    expect(group).toMatchObject({ title: { de: 'Natürliche Person' }, source: { id: 'G00000082', version: '1.3' } });
    expect(group.repeat).toBeUndefined();
    expect(group.notes).toEqual(['Beschreibung: Eine Beschreibung', 'Definition: Eine Definition']);
    expect(fieldOf(value, 'F60000227')).toEqual({
      id: 'F60000227',
      type: 'text',
      label: { de: 'Familienname' },
      hint: { de: 'Hilfe Eingabe' },
      required: true,
      constraints: { minLength: 1, maxLength: 120 },
      source: { id: 'F60000227', version: '1.1' },
      notes: ['Beschreibung: Eine Beschreibung', 'Definition: Eine Definition', 'Bezug: Ein Bezug'],
    });
    const rule = value.notes.find((note) => note.includes('R60000037'));
    expect(rule).toContain('T1234 „Test“: Regel R60000037 Version 1.2 „MindestEineAngabe“');
    expect(rule).toContain('function script() {}');
  },
  'v2/minimal.xml': () => {
    const { value, warnings } = imported(fixture('v2', 'minimal.xml'));
    expect(value).toMatchObject({ standard: '2.0', id: 'T1234', title: 'Test', form: { pages: [] }, notes: [] });
    expect(value.description).toBeUndefined();
    expect(warnings).toEqual([
      {
        path: 'xdatenfelder.stammdatenschema.0102/stammdatenschema',
        reason: expect.objectContaining({ en: expect.stringContaining('no structure') }),
      },
    ]);
  },
  'v2/label.xml': () => {
    const { value } = imported(fixture('v2', 'label.xml'));
    const label = fieldOf(value, 'F123');
    expect(label).toMatchObject({ type: 'info', label: { de: 'Hinweis' }, text: { de: 'Hinweis Inhalt' } });
    expect(label.required).toBeUndefined();
  },
  'v2/select.xml': () => {
    const { value, warnings } = imported(fixture('v2', 'select.xml'));
    const select = fieldOf(value, 'F123');
    // The genericode list is not in the document: a drop-down without entries would be unanswerable.
    expect(select).toMatchObject({ type: 'text', required: true });
    expect(select.options).toBeUndefined();
    expect(select.notes).toEqual([
      expect.stringContaining('Codeliste urn:de:example, Version 1 (urn:de:example_1, C123)'),
    ]);
    expect(warnings).toEqual([
      {
        path: 'xdatenfelder.stammdatenschema.0102/stammdatenschema/struktur/enthaelt/datenfeld/codelisteReferenz',
        reason: expect.objectContaining({ en: expect.stringContaining('external code list urn:de:example') }),
      },
    ]);
    // With the list's values supplied, the field becomes a choice naming a form-level code list.
    const options = [
      { value: 'a', label: { de: 'A' } },
      { value: 'b', label: { de: 'B' } },
    ];
    const resolved = imported(fixture('v2', 'select.xml'), { codeLists: { 'urn:de:example_1': { options } } }).value;
    expect(fieldOf(resolved, 'F123')).toMatchObject({ type: 'select', codeList: 'example' });
    expect(resolved.form.codeLists).toEqual({ example: { uri: 'urn:de:example', version: '1', options } });
  },
  'v2/rule.xml': () => {
    const { value } = imported(fixture('v2', 'rule.xml'));
    expect(value.form.pages).toEqual([]);
    expect(value.notes).toEqual([
      'T1234 „Test“: Regel R60000037 Version 1.2 „MindestEineAngabe“\nRegeltext: Eine Definition\nSkript (JavaScript, wird nicht ausgeführt):\nfunction script() {}',
    ]);
  },
  'v2/data-field-rule.xml': () => {
    const { value } = imported(fixture('v2', 'data-field-rule.xml'));
    const field = fieldOf(value, 'F123');
    expect(field).toMatchObject({ type: 'text', required: true });
    expect(field.notes).toEqual([
      expect.stringMatching(/^Regel R60000037 Version 1\.2 „MindestEineAngabe“\n[^]*function script\(\) \{\}$/),
    ]);
    expect(value.notes).toContain(`F123 „Hinweis“: ${field.notes?.[0]}`);
  },
  'v2/data-group-rule.xml': () => {
    const { value, warnings } = imported(fixture('v2', 'data-group-rule.xml'));
    const group = groupOf(value, 'G00000082');
    expect(group.items).toEqual([]);
    expect(group.notes?.at(-1)).toContain('Regel R60000037 Version 1.2 „MindestEineAngabe“');
    expect(value.notes.some((note) => note.startsWith('G00000082 „Natürliche Person“: Regel R60000037'))).toBe(true);
    expect(warnings.map((warning) => warning.reason.en)).toEqual(['The group has no sub-elements']);
  },
  'v2/duplicate-optional-value.xml': () => {
    expect(faultsOf(fixture('v2', 'duplicate-optional-value.xml'))).toEqual([
      {
        path: 'xdatenfelder.stammdatenschema.0102/stammdatenschema/beschreibung[2]',
        reason: {
          en: '"beschreibung" appears more than once; at most one is allowed',
          de: '„beschreibung“ kommt mehrfach vor; erlaubt ist höchstens eines',
        },
      },
    ]);
  },
  'v2/duplicate-required-value.xml': () => {
    const faults = faultsOf(fixture('v2', 'duplicate-required-value.xml'));
    expect(pathsOf(faults)).toEqual(['xdatenfelder.stammdatenschema.0102/stammdatenschema/name[2]']);
    expect(faults[0].reason.en).toContain('"name" appears more than once');
  },
  'v2/unknown-namespace.xml': () => {
    const faults = faultsOf(fixture('v2', 'unknown-namespace.xml'));
    expect(pathsOf(faults)).toEqual(['xdatenfelder.stammdatenschema.0102']);
    expect(faults[0].reason.en).toContain('Unknown namespace "urn:xoev-de:fim:standard:xdatenfelder_unknown"');
    expect(faults[0].reason.de).toContain('Unbekannter Namensraum');
  },
  'v3/simple.xml': () => {
    const { value, warnings } = imported(fixture('v3', 'simple.xml'));
    expect(warnings).toEqual([]);
    expect(value).toMatchObject({ standard: '3.0.0', id: 'G60000000088', version: '1.2.0', title: 'Anschrift Inland' });
    expect(value.form.pages.map((page) => page.title.de)).toEqual(['Straßenanschrift']);
    const group = groupOf(value, 'G60000000086');
    // 0:1 with a required street: required only when the address is given at all.
    expect(group.repeat).toEqual({ min: 0, max: 1 });
    expect(group.description?.de).toMatch(/^Geben Sie die Anschrift mit Straße/);
    const street = fieldOf(value, 'F60000000243');
    expect(street).toMatchObject({
      type: 'text',
      label: { de: 'Straße' },
      hint: { de: 'Geben Sie an, wie die Straße heißt.' },
      required: true,
      constraints: { minLength: 1, maxLength: 55 },
      source: { id: 'F60000000243', version: '1.1.0' },
    });
    expect(street.notes).toEqual([
      'Beschreibung: Kompatibilität zu EPA in TR XhD v 1.4 sollte Feldlänge min. 50. Bei XInneres 8 ist die Feldlänge <= 55 Zeichen.',
      'Bezug: XInneres.Meldeanschrift.strasse Version 8',
      expect.stringMatching(
        /^Regel R60000000019 Version 1\.2\.0 „Anschrift Inland Straßenanschrift[^]*\(Validierung\)[^]*some script content$/,
      ),
    ]);
    // The root group's rule has no item of its own: it is documented in the import's notes.
    expect(value.notes.filter((note) => note.includes('Regel R60000000019'))).toHaveLength(2);
    expect(value.notes[0]).toBe('G60000000088 „Anschrift in Deutschland“: Definition: Eine Definition');
  },
  'v3/input.xml': () => {
    // The file repeats <inhalt> and has an empty <codelisteReferenz>: both break the XSD.
    const faults = faultsOf(fixture('v3', 'input.xml'));
    const field = 'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/struktur/enthaelt/datenfeld';
    expect(faults.map((fault) => [fault.path, fault.reason.en])).toEqual([
      [`${field}/codelisteReferenz`, 'Required element "canonicalIdentification" is missing'],
      [`${field}/inhalt[2]`, '"inhalt" appears more than once; at most one is allowed'],
    ]);
    // Repaired, its input attributes map as far as they fit a (value-less, so text) field.
    const repaired = fixture('v3', 'input.xml')
      .replace(/<xdf:codelisteReferenz>\s*<\/xdf:codelisteReferenz>/, '')
      .replace('<xdf:inhalt/>', '');
    const { value, warnings } = imported(repaired);
    const street = fieldOf(value, 'F60000000243');
    expect(street).toMatchObject({
      type: 'text',
      constraints: { minLength: 0, maxLength: 1, pattern: 'abc' },
      default: 'Some Content',
    });
    expect(street.required).toBeUndefined(); // 0:1
    expect(street.notes).toEqual(
      expect.arrayContaining([
        'Auswahlfeld ohne Werte im Original; als Textfeld übernommen',
        'Präzisierung minValue=0 nicht übernommen',
        'Präzisierung maxValue=1 nicht übernommen',
        'Präzisierung maxSize=10 nicht übernommen',
        'Präzisierung mediaType=application/json nicht übernommen',
      ]),
    );
    expect(warnings.map((warning) => warning.reason.en)).toEqual(
      expect.arrayContaining([
        'Text inside "praezisierung" is not part of the standard and was ignored',
        'A selection field without a value list or code list; imported as a text field',
      ]),
    );
  },
  'v3/duplicate-id-node.xml': () => {
    const faults = faultsOf(fixture('v3', 'duplicate-id-node.xml'));
    expect(pathsOf(faults)).toEqual(['xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/identifikation/id[2]']);
    expect(faults[0].reason).toEqual({
      en: '"id" appears more than once; at most one is allowed',
      de: '„id“ kommt mehrfach vor; erlaubt ist höchstens eines',
    });
  },
  'v3/empty-id-node.xml': () => {
    expect(faultsOf(fixture('v3', 'empty-id-node.xml'))).toEqual([
      {
        path: 'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/identifikation/id',
        reason: { en: '"id" must not be empty', de: '„id“ darf nicht leer sein' },
      },
    ]);
  },
  'v3/missing-id-node.xml': () => {
    expect(faultsOf(fixture('v3', 'missing-id-node.xml'))).toEqual([
      {
        path: 'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/identifikation',
        reason: { en: 'Required element "id" is missing', de: 'Pflichtelement „id“ fehlt' },
      },
    ]);
  },
  'v3/invalid-freigabestatus.xml': () => {
    const faults = faultsOf(fixture('v3', 'invalid-freigabestatus.xml'));
    expect(pathsOf(faults)).toEqual(['xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/freigabestatus/code']);
    expect(faults[0].reason.en).toBe('Invalid freigabestatus "10"; allowed: 1, 2, 3, 4, 5, 6, 7, 8');
    expect(faults[0].reason.de).toContain('Ungültiger Wert „10“ für freigabestatus');
  },
  'v3/unexpected-node.xml': () => {
    expect(faultsOf(fixture('v3', 'unexpected-node.xml'))).toEqual([
      {
        path: 'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/identifikation/unknown',
        reason: {
          en: 'Unexpected element "unknown" in "identifikation"',
          de: 'Unerwartetes Element „unknown“ in „identifikation“',
        },
      },
    ]);
  },
  'v3/unknown-namespace.xml': () => {
    const faults = faultsOf(fixture('v3', 'unknown-namespace.xml'));
    expect(pathsOf(faults)).toEqual(['xdatenfelder.datenfeldgruppe.0103']);
    expect(faults[0].reason.en).toMatch(
      /^Unknown namespace "urn:xoev-de:fim:standard:xdatenfelder_unknown"; expected /,
    );
  },
};

describe('importXdf: fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const files = ['v2', 'v3'].flatMap((version) =>
      readdirSync(join(FIXTURES, version))
        .filter((name) => name.endsWith('.xml'))
        .map((name) => `${version}/${name}`),
    );
    expect(files.sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(expectations))('%s', (name) => expectations[name]());
});

describe('importXdf: documents that are not XDatenfelder', () => {
  it.each([
    ['an empty string', ''],
    ['plain text', 'hello'],
    ['an unclosed element', `<xdf:a xmlns:xdf="${NS3}"><xdf:b></xdf:a>`],
    ['text after the root', '<a/>trailing'],
    ['two roots', '<a/><b/>'],
    ['an unknown entity', `<a>&nbsp;</a>`],
    ['an undeclared prefix', '<xdf:a/>'],
  ])('refuses %s with a fault, never an exception', (_, xml) => {
    const faults = faultsOf(xml);
    expect(faults[0].path).toMatch(/^\(document\)$|^a$/);
  });

  it('names line and column of a well-formedness error', () => {
    const [fault] = faultsOf('<a>\n  <b>\n</a>');
    expect(fault).toEqual({
      path: '(document)',
      reason: {
        en: expect.stringMatching(/^Not well-formed XML \(line 3, column \d+\): /),
        de: expect.stringMatching(/^Kein wohlgeformtes XML \(Zeile 3/),
      },
    });
  });

  it('refuses a DOCTYPE (no entity expansion)', () => {
    const [fault] = faultsOf('<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;</a>');
    expect(fault.reason.en).toContain('DOCTYPE');
  });

  it('refuses input that is not a string', () => {
    expect(importXdf(undefined as unknown as string)).toMatchObject({ ok: false, faults: [{ path: '(document)' }] });
  });

  it('refuses an XDatenfelder message it does not import', () => {
    const faults = faultsOf(`<xdf:xdatenfelder.datenfeld.0104 xmlns:xdf="${NS3}"/>`);
    expect(faults[0].reason.en).toBe(
      '"xdatenfelder.datenfeld.0104" is not a supported XDatenfelder 3.0.0 message; expected xdatenfelder.stammdatenschema.0102 or xdatenfelder.datenfeldgruppe.0103',
    );
  });

  it('resolves namespaces, not prefixes: a default namespace works as well', () => {
    const xml = message3(entry('1:1', field3('F1')))
      .replace(/xdf:/g, '')
      .replace(`xmlns:xdf="${NS3}"`, `xmlns="${NS3}"`);
    expect(fieldOf(imported(xml).value, 'F1')).toMatchObject({ type: 'text', required: true });
  });
});

describe('importXdf: ids', () => {
  it('gives a FIM field used twice a suffixed id and keeps its source', () => {
    const shared = field3('F60000000001', { label: 'Staat' });
    const { value } = imported(
      message3(entry('1:1', group3('G1', entry('1:1', shared))) + entry('1:1', group3('G2', entry('0:1', shared)))),
    );
    expect(groupOf(value, 'G1').items.map((item) => item.id)).toEqual(['F60000000001']);
    expect(groupOf(value, 'G2').items.map((item) => item.id)).toEqual(['F60000000001_2']);
    expect(fieldOf(value, 'F60000000001_2').source).toEqual({ id: 'F60000000001', version: '1.0.0' });
    expect(value.form.pages.map((page) => page.id)).toEqual(['page1', 'page2']);
  });

  it('makes FIM ids valid form ids', () => {
    const { value } = imported(message3(entry('1:1', field3('F-1.2')) + entry('1:1', field3('60000001'))));
    expect(items(value).map((item) => item.id)).toEqual(['F_1_2', 'id_60000001']);
    expect(fieldOf(value, 'F_1_2').source?.id).toBe('F-1.2');
  });
});

describe('importXdf: cardinality (anzahl)', () => {
  it.each([
    ['0:1', { required: undefined, repeat: undefined }],
    ['1:1', { required: true, repeat: undefined }],
    ['0:*', { required: undefined, repeat: { min: 0 } }],
    ['1:3', { required: true, repeat: { min: 1, max: 3 } }],
  ])('maps a field of %s', (anzahl, expected) => {
    const field = fieldOf(imported(message3(entry(anzahl, field3('F1')))).value, 'F1');
    expect({ required: field.required, repeat: field.repeat }).toEqual(expected);
  });

  it.each([
    ['1:1', undefined],
    ['0:1', undefined], // optional fields only: nothing to make conditional
    ['2:*', { min: 2 }],
    ['0:5', { min: 0, max: 5 }],
  ])('maps a group of %s', (anzahl, repeat) => {
    expect(
      groupOf(imported(message3(entry(anzahl, group3('G1', entry('0:1', field3('F1')))))).value, 'G1').repeat,
    ).toEqual(repeat);
  });

  it('faults what is not min:max, with the path of each anzahl', () => {
    const structure = ['1-3', '3:1', '0:0', 'a:*'].map((anzahl, n) => entry(anzahl, field3(`F${n}`))).join('');
    const faults = faultsOf(message3(structure));
    expect(faults.map((fault) => fault.path.replace(/^.*datenfeldgruppe\//, ''))).toEqual([
      'struktur[1]/anzahl',
      'struktur[2]/anzahl',
      'struktur[3]/anzahl',
      'struktur[4]/anzahl',
    ]);
    expect(faults.map((fault) => fault.reason.en)).toEqual([
      expect.stringMatching(/^Invalid cardinality "1-3"; expected "min:max"/),
      'Invalid cardinality "3:1": the maximum must be at least 1 and not below the minimum',
      'Invalid cardinality "0:0": the maximum must be at least 1 and not below the minimum',
      expect.stringMatching(/^Invalid cardinality "a:\*"/),
    ]);
  });

  it('faults an empty anzahl', () => {
    expect(pathsOf(faultsOf(message3(entry(' ', field3('F1')))))).toEqual([
      'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/struktur/anzahl',
    ]);
  });
});

describe('importXdf: field kinds and data types', () => {
  const only = (spec: FieldSpec, anzahl = '0:1') => {
    const { value, warnings } = imported(message3(entry(anzahl, field3('F1', spec))));
    return { field: fieldOf(value, 'F1'), warnings: warnings.map((warning) => warning.reason.en) };
  };
  const precision = (attributes: string) => `<xdf:praezisierung ${attributes}/>`;

  it('maps numbers with their decimals and range', () => {
    expect(only({ datentyp: 'num_currency', extra: precision('minValue="0" maxValue="999.99"') }).field).toMatchObject({
      type: 'number',
      constraints: { decimals: 2, min: 0, max: 999.99 },
    });
    expect(only({ datentyp: 'num_int' }).field.constraints).toEqual({ decimals: 0 });
    expect(only({ datentyp: 'num' }).field).toMatchObject({ type: 'number' });
  });

  it('maps dates with their range', () => {
    expect(
      only({ datentyp: 'date', extra: precision('minValue="1900-01-01" maxValue="2100-12-31"') }).field,
    ).toMatchObject({
      type: 'date',
      constraints: { minDate: '1900-01-01', maxDate: '2100-12-31' },
    });
  });

  it('maps long texts to longText and keeps String.Latin+ as a note', () => {
    expect(only({ extra: precision('maxLength="200"') }).field.type).toBe('text');
    expect(only({ extra: precision('maxLength="1000"') }).field).toMatchObject({
      type: 'longText',
      constraints: { maxLength: 1000 },
    });
    expect(only({ datentyp: 'text_latin' }).field.notes).toEqual([
      'Zeichensatz im Original: String.Latin+ (DIN SPEC 91379)',
    ]);
  });

  it('maps an optional truth value to one checkbox, a required one to yes/no', () => {
    expect(only({ datentyp: 'bool' })).toEqual({ field: expect.objectContaining({ type: 'consent' }), warnings: [] });
    const required = only({ datentyp: 'bool', extra: '<xdf:inhalt>false</xdf:inhalt>' }, '1:1').field;
    expect(required).toMatchObject({
      type: 'radio',
      required: true,
      default: 'false',
      options: [
        { value: 'true', label: { de: 'Ja' } },
        { value: 'false', label: { de: 'Nein' } },
      ],
    });
    expect(required.notes).toEqual([expect.stringContaining('als Ja/Nein-Auswahl')]);
  });

  it('maps files with size and media types', () => {
    const extra =
      '<xdf:maxSize>5000000</xdf:maxSize><xdf:mediaType>application/pdf</xdf:mediaType><xdf:mediaType>image/png</xdf:mediaType>';
    expect(only({ datentyp: 'file', extra }).field).toMatchObject({
      type: 'file',
      constraints: { maxSize: 5000000, mediaTypes: ['application/pdf', 'image/png'] },
    });
  });

  it('maps time values to text with a pattern', () => {
    const { field, warnings } = only({ datentyp: 'time' });
    expect(field.type).toBe('text');
    expect(new RegExp(`^(?:${field.constraints?.pattern})$`).test('23:59')).toBe(true);
    expect(new RegExp(`^(?:${field.constraints?.pattern})$`).test('24:00')).toBe(false);
    expect(warnings).toEqual([expect.stringContaining('no type for "time"')]);
  });

  it('maps label fields to info texts and static objects to info with a warning', () => {
    expect(only({ feldart: 'label', extra: '<xdf:inhalt>Bitte beachten Sie …</xdf:inhalt>' }).field).toEqual(
      expect.objectContaining({ type: 'info', text: { de: 'Bitte beachten Sie …' } }),
    );
    expect(only({ feldart: 'label', datentyp: 'obj' }).warnings).toEqual([expect.stringContaining('Static object')]);
  });

  it('keeps hidden fields invisible and read-only fields editable, both with a warning', () => {
    const hidden = only({ feldart: 'hidden', extra: '<xdf:inhalt>intern</xdf:inhalt>' });
    expect(hidden.field).toMatchObject({ type: 'text', visibleIf: false, default: 'intern' });
    expect(hidden.warnings).toEqual([expect.stringContaining('Hidden field')]);
    const locked = only({
      feldart: 'locked',
      extra: '<xdf:vorbefuellung><code>verpflichtend</code></xdf:vorbefuellung>',
    });
    expect(locked.field.notes).toEqual(expect.arrayContaining(['Vorbefüllung im Original: verpflichtend']));
    expect(locked.warnings).toEqual([expect.stringContaining('Read-only field')]);
  });

  it('keeps constraints that do not fit the type as notes', () => {
    const { field, warnings } = only({ datentyp: 'num', extra: precision('maxLength="5" pattern="[0-9]+"') });
    expect(field.constraints).toBeUndefined();
    expect(field.notes).toEqual([
      'Präzisierung maxLength=5 nicht übernommen',
      'Präzisierung pattern=[0-9]+ nicht übernommen',
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('does not apply to a field of type number'),
      expect.stringContaining('pattern'),
    ]);
  });

  it('keeps a pattern JavaScript cannot compile as a note', () => {
    const { field, warnings } = only({ extra: precision('pattern="[a-z"') });
    expect(field.constraints).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('cannot be used as a regular expression')]);
  });

  it('reads the JSON praezisierung of XDatenfelder 2.0', () => {
    const ok = imported(message2('{"minLength":"2","maxLength":"50","pattern":"[A-Z].*"}')).value;
    expect(fieldOf(ok, 'F1').constraints).toEqual({ minLength: 2, maxLength: 50, pattern: '[A-Z].*' });
    const numbers = imported(message2('{"minValue":"1","maxValue":"10"}', 'num_int')).value;
    expect(fieldOf(numbers, 'F1').constraints).toEqual({ decimals: 0, min: 1, max: 10 });
    const broken = imported(message2('minLength=1'));
    expect(fieldOf(broken.value, 'F1').notes).toEqual(['Präzisierung (nicht auswertbar): minLength=1']);
    expect(broken.warnings.map((warning) => warning.path)).toEqual([
      'xdatenfelder.stammdatenschema.0102/stammdatenschema/struktur/enthaelt/datenfeld/praezisierung',
    ]);
  });
});

describe('importXdf: value lists and code lists', () => {
  const choice = (anzahl: string, extra: string, feldart = 'select') =>
    imported(message3(entry(anzahl, field3('F1', { feldart, extra }))));

  it('maps a short value list to radio buttons, a long one to a drop-down', () => {
    const short = fieldOf(choice('1:1', values(['m', 'männlich'], ['w', 'weiblich'], ['d', 'divers'])).value, 'F1');
    expect(short).toMatchObject({
      type: 'radio',
      required: true,
      options: [
        { value: 'm', label: { de: 'männlich' } },
        { value: 'w', label: { de: 'weiblich' } },
        { value: 'd', label: { de: 'divers' } },
      ],
    });
    const long = values(...Array.from({ length: 6 }, (_, n): [string, string] => [`${n}`, `Wert ${n}`]));
    expect(fieldOf(choice('0:1', long).value, 'F1').type).toBe('select');
  });

  it('maps a repeatable selection to checkboxes with item limits', () => {
    const field = fieldOf(choice('2:3', values(['a', 'A'], ['b', 'B'], ['c', 'C'])).value, 'F1');
    expect(field).toMatchObject({ type: 'checkboxes', required: true, constraints: { minItems: 2, maxItems: 3 } });
    expect(field.repeat).toBeUndefined();
  });

  it('uses inhalt as the default only when it is one of the values', () => {
    expect(
      fieldOf(choice('0:1', `<xdf:inhalt>b</xdf:inhalt>${values(['a', 'A'], ['b', 'B'])}`).value, 'F1').default,
    ).toBe('b');
    const unknown = choice('0:1', `<xdf:inhalt>x</xdf:inhalt>${values(['a', 'A'], ['b', 'B'])}`);
    expect(fieldOf(unknown.value, 'F1').default).toBeUndefined();
    expect(unknown.warnings[0].reason.en).toContain('"x" is not a valid default');
  });

  it('faults a code used twice in a value list, warns for a name used twice', () => {
    const faults = faultsOf(
      message3(entry('1:1', field3('F1', { feldart: 'select', extra: values(['a', 'A'], ['a', 'B']) }))),
    );
    expect(faults).toEqual([
      {
        path: 'xdatenfelder.datenfeldgruppe.0103/datenfeldgruppe/struktur/enthaelt/datenfeld/werte/wert[2]/code',
        reason: {
          en: 'The code "a" appears more than once in the value list',
          de: 'Der Code „a“ kommt in der Werteliste mehrfach vor',
        },
      },
    ]);
    const { warnings } = choice('1:1', values(['a', 'A'], ['b', 'A']));
    expect(warnings.map((warning) => warning.path.split('/').slice(-2).join('/'))).toEqual(['wert[2]/name']);
  });

  it('keeps a v3 code list reference as a note, or resolves it when the values are supplied', () => {
    const reference =
      '<xdf:codelisteReferenz><xdf:canonicalIdentification>urn:de:dsmeld:schluesseltabelle:geschlecht</xdf:canonicalIdentification>' +
      '<xdf:version>1</xdf:version><xdf:canonicalVersionUri>urn:de:dsmeld:schluesseltabelle:geschlecht_1</xdf:canonicalVersionUri></xdf:codelisteReferenz>';
    const xml = message3(
      entry('1:1', field3('F1', { feldart: 'select', extra: reference })) +
        entry('0:1', field3('F2', { feldart: 'select', extra: reference })),
    );
    const unresolved = imported(xml).value;
    expect(fieldOf(unresolved, 'F1')).toMatchObject({
      type: 'text',
      notes: [expect.stringContaining('urn:de:dsmeld:schluesseltabelle:geschlecht, Version 1')],
    });
    expect(unresolved.form.codeLists).toBeUndefined();
    const options = [{ value: 'm', label: { de: 'männlich' } }];
    const resolved = imported(xml, { codeLists: { 'urn:de:dsmeld:schluesseltabelle:geschlecht': { options } } }).value;
    expect([fieldOf(resolved, 'F1'), fieldOf(resolved, 'F2')].map((field) => [field.type, field.codeList])).toEqual([
      ['select', 'geschlecht'],
      ['select', 'geschlecht'],
    ]);
    expect(Object.keys(resolved.form.codeLists ?? {})).toEqual(['geschlecht']);
  });
});

describe('importXdf: groups and rules', () => {
  it('maps a selection group: members optional, a member group with required fields becomes conditional', () => {
    const alternatives =
      entry('1:1', group3('G1', entry('1:1', field3('F1')))) +
      entry('1:1', group3('G2', entry('1:1', field3('F2')))) +
      entry('1:1', field3('F3'));
    const { value, warnings } = imported(message3(entry('1:1', group3('GA', alternatives, code('art', 'X')))));
    expect(groupOf(value, 'G1').repeat).toEqual({ min: 0, max: 1 });
    expect(fieldOf(value, 'F1').required).toBe(true);
    expect(fieldOf(value, 'F3').required).toBeUndefined();
    expect(groupOf(value, 'GA').notes).toContain('Auswahlgruppe: genau eines der Unterelemente wird befüllt');
    expect(warnings.map((warning) => warning.reason.en)).toEqual([expect.stringContaining('Selection group')]);
  });

  it('keeps rules as text and never runs their scripts', () => {
    const rule =
      '<xdf:regel><xdf:identifikation><xdf:id>R1</xdf:id></xdf:identifikation><xdf:name>Prüfung</xdf:name>' +
      '<xdf:freitextRegel>F1 muss gesetzt sein</xdf:freitextRegel><xdf:typ><code>V</code></xdf:typ>' +
      '<xdf:skript>throw new Error("executed")</xdf:skript></xdf:regel>';
    const { value } = imported(message3(entry('1:1', field3('F1', { extra: rule }))));
    expect(fieldOf(value, 'F1').notes).toEqual([
      'Regel R1 „Prüfung“ (Validierung)\nRegeltext: F1 muss gesetzt sein\nSkript (JavaScript, wird nicht ausgeführt):\nthrow new Error("executed")',
    ]);
    expect(value.notes).toEqual([expect.stringMatching(/^F1 „Feld F1“: Regel R1/)]);
  });

  it('puts consecutive top-level fields on one page, each top-level group on its own', () => {
    const structure =
      entry('1:1', field3('F1')) +
      entry('1:1', field3('F2')) +
      entry('1:1', group3('G1', entry('1:1', field3('F3')))) +
      entry('1:1', field3('F4'));
    const { value } = imported(message3(structure));
    expect(value.form.pages.map((page) => [page.title.de, page.items.map((item) => item.id)])).toEqual([
      ['Gruppe G0', ['F1', 'F2']],
      ['Gruppe G1', ['G1']],
      ['Gruppe G0', ['F4']],
    ]);
  });

  it('faults elements the standard does not have, wherever they are', () => {
    const faults = faultsOf(
      message3(entry('1:1', field3('F1', { extra: '<xdf:farbe>rot</xdf:farbe><other xmlns="urn:x"/>' }))),
    );
    expect(faults.map((fault) => fault.reason.en)).toEqual([
      'Unexpected element "farbe" in "datenfeld"',
      'Unexpected element "{urn:x}other" in "datenfeld"',
    ]);
  });

  it('faults an invalid field kind of the version', () => {
    const faults = faultsOf(message2('').replace('<code>input</code>', '<code>hidden</code>'));
    expect(faults[0].reason.en).toBe('Invalid feldart "hidden"; allowed: input, select, label');
  });
});
