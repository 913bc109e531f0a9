import type { FieldDefinition, GroupDefinition } from '@openrathaus/forms';
import { diffDefinitions, formatChanges } from './definition-diff';
import type { ProcessDefinition } from './process-definition';

const base = (): ProcessDefinition => ({
  key: 'bewohnerparkausweis',
  version: '1.1.0',
  visibility: 'shared',
  leika: '99108001001000',
  title: { de: 'Bewohnerparkausweis', en: 'Resident parking permit' },
  summary: { de: 'Parkausweis beantragen' },
  lebenslagen: ['kfz-besitz'],
  trustLevel: 'basic',
  retention: 'P2Y',
  changes: { de: 'Erste Version' },
  parameters: {
    fee: { type: 'money', label: { de: 'Gebühr' }, default: 30.7 },
    zones: { type: 'list', label: { de: 'Zonen' }, required: true },
  },
  form: {
    pages: [
      {
        id: 'person',
        title: { de: 'Person' },
        items: [
          { id: 'name', type: 'text', label: { de: 'Name' }, required: true },
          { id: 'halter', type: 'radio', label: { de: 'Halter' }, codeList: 'halter' },
          {
            id: 'fahrzeuge',
            type: 'group',
            title: { de: 'Fahrzeuge' },
            repeat: { min: 1, max: 2 },
            items: [
              { id: 'kennzeichen', type: 'licensePlate', label: { de: 'Kennzeichen' } },
              { id: 'farbe', type: 'text', label: { de: 'Farbe' } },
            ],
          },
        ],
      },
    ],
    codeLists: { halter: { options: [{ value: 'eigen', label: { de: 'eigen' } }] } },
  },
  steps: [
    { id: 'antrag', kind: 'form' },
    { id: 'zahlung', kind: 'payment' },
  ],
  fees: [{ id: 'gebuehr', label: { de: 'Gebühr' }, amount: { var: 'params.fee' } }],
  documents: { ausweis: { title: { de: 'Ausweis' }, body: { de: 'Nr. {{application.number}}' } } },
  messages: { bestaetigung: { subject: { de: 'Eingang' }, body: { de: 'Hallo' } } },
});

const page = (d: ProcessDefinition) => d.form.pages[0];
const group = (d: ProcessDefinition) => page(d).items[2] as GroupDefinition;

describe('diffDefinitions', () => {
  it('finds nothing between equal versions, and ignores version and changes', () => {
    const b = base();
    b.version = '1.2.0';
    b.changes = { de: 'Nichts Neues' };
    expect(diffDefinitions(base(), b)).toEqual([]);
  });

  // BUG: the diff compares with JSON.stringify, so the same content with its keys in another order (a text written
  // `{ en, de }` instead of `{ de, en }`, a field with `type` before `id`) is reported as changed with no
  // properties (`~ metadata.title`), while contentHash() treats the two as the same content.
  it('finds nothing when only the order of keys differs', () => {
    const b = base();
    b.title = { en: 'Resident parking permit', de: 'Bewohnerparkausweis' };
    const { label, type, id, required } = page(b).items[0] as {
      label: object;
      type: 'text';
      id: string;
      required: boolean;
    };
    page(b).items[0] = { required, label, type, id } as never;
    expect(diffDefinitions(base(), b)).toEqual([]);
  });

  it('names added, removed and changed fields, a rule change as visibleIf', () => {
    const b = base();
    page(b).items.splice(1, 1);
    page(b).items.push({ id: 'telefon', type: 'phone', label: { de: 'Telefon' } });
    Object.assign(page(b).items[0], { visibleIf: { '==': [{ var: 'params.fee' }, 0] }, label: { de: 'Vorname' } });
    const changes = diffDefinitions(base(), b);
    expect(changes.filter((c) => c.area === 'fields')).toEqual([
      { area: 'fields', id: 'halter', change: 'removed' },
      { area: 'fields', id: 'name', change: 'changed', properties: ['label', 'visibleIf'] },
      { area: 'fields', id: 'telefon', change: 'added' },
    ]);
    // The page holds other items now.
    expect(changes.filter((c) => c.area === 'pages')).toEqual([
      { area: 'pages', id: 'person', change: 'changed', properties: ['items'] },
    ]);
  });

  it('names a changed rule inside requiredIf and validations by its property', () => {
    const a = base();
    Object.assign(page(a).items[0], { requiredIf: { '==': [1, 1] } });
    const b = base();
    Object.assign(page(b).items[0], {
      requiredIf: { '==': [1, 2] },
      validations: [{ rule: true, message: { de: 'x' } }],
    });
    expect(diffDefinitions(a, b)).toEqual([
      { area: 'fields', id: 'name', change: 'changed', properties: ['requiredIf', 'validations'] },
    ]);
  });

  it('compares the children of a group on their own', () => {
    const b = base();
    (group(b).items[0] as FieldDefinition).label = { de: 'Amtliches Kennzeichen' };
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'fields', id: 'kennzeichen', change: 'changed', properties: ['label'] },
    ]);
  });

  it('names a group changed when its own properties or its list of children change', () => {
    const b = base();
    group(b).repeat = { min: 1, max: 3 };
    group(b).items.pop();
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'fields', id: 'farbe', change: 'removed' },
      { area: 'fields', id: 'fahrzeuge', change: 'changed', properties: ['items', 'repeat'] },
    ]);
  });

  it('names a field moved to another page or out of its group', () => {
    const b = base();
    const farbe = group(b).items.pop()!;
    page(b).items.push(farbe);
    const changes = diffDefinitions(base(), b).filter((c) => c.area === 'fields');
    expect(changes).toEqual([
      { area: 'fields', id: 'fahrzeuge', change: 'changed', properties: ['items'] },
      { area: 'fields', id: 'farbe', change: 'changed', properties: ['parent'] },
    ]);
    const c = base();
    c.form.pages.push({ id: 'zwei', title: { de: 'Zwei' }, items: [page(c).items.shift()!] });
    expect(diffDefinitions(base(), c).filter((x) => x.area === 'fields')).toEqual([
      { area: 'fields', id: 'name', change: 'changed', properties: ['page'] },
    ]);
  });

  it('names parameters added, removed and changed', () => {
    const b = base();
    b.parameters.fee = { ...b.parameters.fee, default: 40 };
    delete b.parameters.zones;
    b.parameters.validity = { type: 'duration', label: { de: 'Dauer' }, default: 'P1Y' };
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'parameters', id: 'zones', change: 'removed' },
      { area: 'parameters', id: 'fee', change: 'changed', properties: ['default'] },
      { area: 'parameters', id: 'validity', change: 'added' },
    ]);
  });

  it('names steps and fees by their id', () => {
    const b = base();
    b.steps.push({ id: 'pruefung', kind: 'review' });
    b.steps[1] = { ...b.steps[1], when: { '>': [{ var: 'params.fee' }, 0] } };
    b.fees = [{ id: 'gebuehr', label: { de: 'Gebühr' }, amount: { '*': [{ var: 'params.fee' }, 2] } }];
    b.fees.push({ id: 'porto', label: { de: 'Porto' }, amount: 95 });
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'steps', id: 'zahlung', change: 'changed', properties: ['when'] },
      { area: 'steps', id: 'pruefung', change: 'added' },
      { area: 'fees', id: 'gebuehr', change: 'changed', properties: ['amount'] },
      { area: 'fees', id: 'porto', change: 'added' },
    ]);
  });

  // BUG: steps and pages are compared by id only, so a new order (payment before the review, a page moved to the
  // front) changes the process but the diff reports nothing.
  it('names a reordering of steps and of pages', () => {
    const b = base();
    b.steps.push({ id: 'pruefung', kind: 'review' });
    const a = base();
    a.steps.push({ id: 'pruefung', kind: 'review' });
    b.steps = [b.steps[0], b.steps[2], b.steps[1]];
    a.form.pages.push({ id: 'zwei', title: { de: 'Zwei' }, items: [{ id: 'x', type: 'text', label: { de: 'X' } }] });
    b.form.pages.unshift({ id: 'zwei', title: { de: 'Zwei' }, items: [{ id: 'x', type: 'text', label: { de: 'X' } }] });
    const areas = diffDefinitions(a, b).map((c) => c.area);
    expect(areas).toContain('steps');
    expect(areas).toContain('pages');
  });

  it('does not mix up steps with the same content but another id', () => {
    const b = base();
    b.steps[1] = { ...b.steps[1], id: 'bezahlen' };
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'steps', id: 'zahlung', change: 'removed' },
      { area: 'steps', id: 'bezahlen', change: 'added' },
    ]);
  });

  it('names metadata texts by the language that changed', () => {
    const b = base();
    b.title = { ...b.title, en: 'Residents’ parking permit' };
    b.summary = { de: 'Parkausweis online beantragen', en: 'Apply online' };
    b.description = { de: 'Neu' };
    b.lebenslagen = ['kfz-besitz', 'wohnen-umzug'];
    b.trustLevel = 'substantial';
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'metadata', id: 'title', change: 'changed', properties: ['en'], locales: ['en'] },
      { area: 'metadata', id: 'summary', change: 'changed', properties: ['de', 'en'], locales: ['de', 'en'] },
      { area: 'metadata', id: 'description', change: 'added' },
      { area: 'metadata', id: 'lebenslagen', change: 'changed', properties: [] },
      { area: 'metadata', id: 'trustLevel', change: 'changed', properties: [] },
    ]);
  });

  it('names code lists, documents and messages', () => {
    const b = base();
    b.form.codeLists = { halter: { options: [{ value: 'fremd', label: { de: 'fremd' } }] }, neu: { options: [] } };
    b.documents = {};
    b.messages!.bestaetigung = { ...b.messages!.bestaetigung, body: { de: 'Guten Tag' } };
    expect(diffDefinitions(base(), b)).toEqual([
      { area: 'codeLists', id: 'halter', change: 'changed', properties: ['options'] },
      { area: 'codeLists', id: 'neu', change: 'added' },
      { area: 'documents', id: 'ausweis', change: 'removed' },
      { area: 'messages', id: 'bestaetigung', change: 'changed', properties: ['body'] },
    ]);
  });

  it('names a page added and one removed', () => {
    const b = base();
    b.form.pages[0] = { ...page(b), id: 'antragsteller' };
    const changes = diffDefinitions(base(), b);
    expect(changes.filter((c) => c.area === 'pages')).toEqual([
      { area: 'pages', id: 'person', change: 'removed' },
      { area: 'pages', id: 'antragsteller', change: 'added' },
    ]);
    // Every field now lies on another page.
    expect(changes.filter((c) => c.area === 'fields').map((c) => [c.id, c.properties])).toEqual([
      ['name', ['page']],
      ['halter', ['page']],
      ['fahrzeuge', ['page']],
      ['kennzeichen', ['page']],
      ['farbe', ['page']],
    ]);
  });
});

describe('diffDefinitions in several languages', () => {
  it('names the languages whose texts changed, in every area', () => {
    const b = base();
    b.title = { ...b.title, tr: 'Sakin park izni', ar: 'تصريح وقوف السكان' };
    (page(b).items[0] as FieldDefinition).label = { de: 'Name', uk: 'Імʼя' };
    b.form.codeLists = { halter: { options: [{ value: 'eigen', label: { de: 'eigen', pl: 'własny' } }] } };
    b.documents = { ausweis: { title: { de: 'Ausweis', ar: 'تصريح' }, body: { de: 'Nr. {{application.number}}' } } };
    const changes = diffDefinitions(base(), b);
    expect(changes).toEqual([
      { area: 'metadata', id: 'title', change: 'changed', properties: ['ar', 'tr'], locales: ['ar', 'tr'] },
      { area: 'fields', id: 'name', change: 'changed', properties: ['label'], locales: ['uk'] },
      { area: 'codeLists', id: 'halter', change: 'changed', properties: ['options'], locales: ['pl'] },
      { area: 'documents', id: 'ausweis', change: 'changed', properties: ['title'], locales: ['ar'] },
    ]);
    expect(formatChanges(changes)[1]).toBe('~ fields.name (label) [uk]');
  });
});

describe('formatChanges', () => {
  it('writes one line per change with its sign and properties', () => {
    expect(
      formatChanges([
        { area: 'fields', id: 'zweitfahrzeug', change: 'added' },
        { area: 'parameters', id: 'fee', change: 'changed', properties: ['default', 'max'] },
        { area: 'steps', id: 'pruefung', change: 'removed' },
        { area: 'metadata', id: 'lebenslagen', change: 'changed', properties: [] },
      ]),
    ).toEqual([
      '+ fields.zweitfahrzeug',
      '~ parameters.fee (default, max)',
      '- steps.pruefung',
      '~ metadata.lebenslagen',
    ]);
  });
});
