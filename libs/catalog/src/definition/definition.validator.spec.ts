import { definitionFaultMessage } from './definition-fault';
import { validateDefinition } from './definition.validator';
import { stepKindTable } from './step-kinds';
import type { ShapeFault } from './shape';

const context = { lagen: new Set(['kfz-besitz', 'wohnen-umzug', 'haustiere']) };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents as YAML gives them, edited freely by the tests
type Doc = Record<string, any>;

/** The least a definition needs: one page with one field and a form step. */
const minimal = (): Doc => ({
  key: 'hundesteuer',
  version: '1.0.0',
  visibility: 'shared',
  leika: '99001001000000',
  title: { de: 'Hund anmelden', en: 'Register a dog' },
  summary: { de: 'Hundesteuer anmelden' },
  lebenslagen: ['haustiere'],
  trustLevel: 'basic',
  retention: 'P2Y',
  form: {
    pages: [{ id: 'person', title: { de: 'Person' }, items: [{ id: 'name', type: 'text', label: { de: 'Name' } }] }],
  },
  steps: [{ id: 'antrag', kind: 'form' }],
});

/** A definition that uses every part of the format soundly. */
const full = (): Doc => ({
  ...minimal(),
  description: { de: 'Kostet {{money params.fee}}, gilt {{duration params.validity}} in {{join params.zones}}.' },
  keywords: ['Hund'],
  requiredDocuments: [{ de: 'Nachweis' }],
  processingTime: { de: 'sofort' },
  legalBasis: [{ title: 'HStS', url: 'https://example.org/hsts' }, { title: 'Satzung' }],
  changes: { de: 'Neu' },
  parameters: {
    fee: { type: 'money', label: { de: 'Gebühr' }, default: 30.7, min: 0, max: 500 },
    zones: { type: 'list', label: { de: 'Zonen' }, required: true },
    office: { type: 'office', label: { de: 'Amt' } },
    validity: { type: 'duration', label: { de: 'Dauer' }, default: 'P1Y' },
    note: { type: 'text', label: { de: 'Hinweis' }, default: 'Bitte' },
    mode: {
      type: 'enum',
      label: { de: 'Modus' },
      options: [
        { value: 'a', label: { de: 'A' } },
        { value: 'b', label: { de: 'B' } },
      ],
      default: 'a',
    },
  },
  form: {
    pages: [
      {
        id: 'person',
        title: { de: 'Person' },
        items: [
          { id: 'hinweis', type: 'info', text: { de: 'Bitte ausfüllen' } },
          {
            id: 'name',
            type: 'text',
            label: { de: 'Name' },
            required: true,
            constraints: { maxLength: 100, pattern: '[A-Za-zäöü ]+' },
          },
          { id: 'art', type: 'select', label: { de: 'Art' }, codeList: 'arten' },
          {
            id: 'anzahl',
            type: 'number',
            label: { de: 'Anzahl' },
            default: 1,
            validations: [{ rule: { '>=': [{ var: 'answers.anzahl' }, 1] }, message: { de: 'mindestens 1' } }],
          },
        ],
      },
      {
        id: 'hunde',
        title: { de: 'Hunde' },
        visibleIf: { '==': [{ var: 'answers.art' }, 'hund'] },
        items: [
          {
            id: 'hund',
            type: 'group',
            title: { de: 'Hund' },
            repeat: { min: 1, max: 5 },
            items: [
              { id: 'rasse', type: 'radio', label: { de: 'Rasse' }, options: [{ value: 'x', label: { de: 'X' } }] },
              {
                id: 'chip',
                type: 'text',
                label: { de: 'Chip' },
                visibleIf: { '==': [{ var: 'item.rasse' }, 'x'] },
                requiredIf: { in: [{ var: 'params.mode' }, ['a']] },
              },
            ],
          },
        ],
      },
    ],
    codeLists: {
      arten: {
        options: [
          { value: 'hund', label: { de: 'Hund' } },
          { value: 'katze', label: { de: 'Katze' } },
        ],
      },
    },
  },
  steps: [
    { id: 'antrag', kind: 'form' },
    { id: 'identitaet', kind: 'identity', level: 'substantial' },
    { id: 'zahlung', kind: 'payment', when: { '>': [{ var: 'answers.anzahl' }, 0] } },
    { id: 'pruefung', kind: 'review', office: 'office' },
    { id: 'bescheid', kind: 'document', template: 'bescheid' },
    { id: 'mail', kind: 'notify', template: 'eingang', to: 'applicant' },
    { id: 'weiter', kind: 'deliver', target: 'email', office: 'office' },
  ],
  fees: [
    { id: 'gebuehr', label: { de: 'Gebühr' }, amount: { '*': [{ var: 'params.fee' }, { var: 'answers.anzahl' }] } },
    { id: 'extra', label: { de: 'Extra' }, amount: 500, when: { '==': [{ var: 'answers.art' }, 'hund'] } },
  ],
  documents: {
    bescheid: {
      title: { de: 'Bescheid' },
      body: { de: 'Nr. {{application.number}}' },
      validFor: { var: 'params.validity' },
    },
  },
  messages: { eingang: { subject: { de: 'Eingang' }, body: { de: 'Hallo {{answers.name}}', en: 'Hello' } } },
});

const validate = (doc: unknown): ShapeFault[] => validateDefinition(doc, context);
const keys = (faults: ShapeFault[]) => faults.map((f) => `${f.path}:${f.key}`);

describe('validateDefinition: sound definitions', () => {
  it('accepts a minimal definition', () => {
    expect(validate(minimal())).toEqual([]);
  });

  it('accepts a definition using every part of the format', () => {
    expect(validate(full())).toEqual([]);
  });

  it('refuses what is not a mapping', () => {
    expect(validate(['x'])).toEqual([{ path: '', key: 'not_object' }]);
    expect(validate('key: x')).toEqual([{ path: '', key: 'not_object' }]);
  });
});

describe('validateDefinition: shape', () => {
  it('names unknown fields at any depth', () => {
    const doc = minimal();
    doc.colour = 'red';
    doc.form.pages[0].items[0].colour = 'red';
    doc.steps[0].colour = 'red';
    expect(validate(doc)).toEqual([
      { path: 'form.pages[0].items[0].colour', key: 'unknown_field' },
      { path: 'steps[0].colour', key: 'unknown_field' },
      { path: 'colour', key: 'unknown_field' },
    ]);
  });

  it('names every missing required field', () => {
    const doc = minimal();
    delete doc.title;
    delete doc.form.pages[0].items[0].type;
    delete doc.steps[0].kind;
    expect(keys(validate(doc))).toEqual([
      'title:required',
      'form.pages[0].items[0].type:required',
      'steps[0].kind:required',
    ]);
  });

  it.each([
    ['Hunde_Steuer', 'slug'],
    ['hunde--steuer', 'slug'],
    ['-hund', 'slug'],
    ['', 'string'],
    ['a'.repeat(81), 'too_long'],
  ])('refuses the key %j (%s)', (key, fault) => {
    expect(keys(validate({ ...minimal(), key }))).toEqual([`key:${fault}`]);
  });

  it('accepts a key of 80 characters', () => {
    expect(validate({ ...minimal(), key: 'a'.repeat(80) })).toEqual([]);
  });

  it.each(['1.0', '1.0.0-beta', '01.0.0', 'v1.0.0', '1.0.0.0'])('refuses the version %j', (version) => {
    expect(keys(validate({ ...minimal(), version }))).toEqual(['version:semver']);
  });

  it('refuses a version that is a number (YAML 1.0 unquoted)', () => {
    expect(keys(validate({ ...minimal(), version: 1.0 }))).toEqual(['version:string']);
  });

  it.each(['12345678901234', '9900100100000', '990010010000000', '99a01001000000'])('refuses the LeiKa %j', (leika) => {
    expect(keys(validate({ ...minimal(), leika }))).toEqual(['leika:leika']);
  });

  it.each(['2 Jahre', 'P', 'PT1H', 'P1Y2D3M', '1Y', 'p1y'])('refuses the retention %j', (retention) => {
    expect(keys(validate({ ...minimal(), retention }))).toEqual(['retention:duration']);
  });

  it.each(['P1Y', 'P6M', 'P14D', 'P2W', 'P1Y6M'])('accepts the retention %j', (retention) => {
    expect(validate({ ...minimal(), retention })).toEqual([]);
  });

  it.each([{ after: 'P90D', action: 'delete' }, { after: 'P2Y', action: 'anonymise' }, { after: 'P6M' }])(
    'accepts the retention %j',
    (retention) => {
      expect(validate({ ...minimal(), retention })).toEqual([]);
    },
  );

  it('takes a definition without retention (its applications are kept)', () => {
    const doc = minimal();
    delete doc.retention;
    expect(validate(doc)).toEqual([]);
  });

  it('names each faulty part of a retention, in German and English', () => {
    const faults = validate({ ...minimal(), retention: { after: '90 Tage', action: 'shred', keep: true } });
    expect(keys(faults)).toEqual([
      'retention.after:duration',
      'retention.action:one_of',
      'retention.keep:unknown_field',
    ]);
    const [after, action] = faults.map((f) => ({ file: 'x.yaml', ...f }));
    expect(definitionFaultMessage(after, 'de')).toBe('muss eine ISO-8601-Dauer wie P1Y, P6M oder P14D sein');
    expect(definitionFaultMessage(after, 'en')).toBe('must be an ISO 8601 duration like P1Y, P6M or P14D');
    expect(definitionFaultMessage(action, 'en')).toBe('must be one of: delete, anonymise');
    expect(definitionFaultMessage(action, 'de')).toBe('muss einer dieser Werte sein: delete, anonymise');
    expect(keys(validate({ ...minimal(), retention: { action: 'delete' } }))).toEqual(['retention.after:required']);
    expect(keys(validate({ ...minimal(), retention: 90 }))).toEqual(['retention:string']);
  });

  it('refuses localized texts without de, with an empty de or with unknown languages', () => {
    const doc = minimal();
    doc.title = { en: 'Register a dog' };
    doc.summary = { de: '  ' };
    doc.form.pages[0].title = { de: 'Person', fr: 'Personne' };
    doc.form.pages[0].items[0].label = 'Name';
    expect(validate(doc)).toEqual([
      { path: 'title', key: 'localized' },
      { path: 'summary', key: 'localized' },
      { path: 'form.pages[0].title', key: 'localized' },
      { path: 'form.pages[0].items[0].label', key: 'localized' },
    ]);
  });

  it('takes every language of the platform and checks each text is in its script', () => {
    const doc = minimal();
    doc.title = {
      de: 'Hund anmelden',
      tr: 'Köpek kaydı',
      ar: 'تسجيل كلب',
      uk: 'Реєстрація собаки',
      ru: 'Регистрация собаки',
      pl: 'Rejestracja psa',
    };
    expect(validate(doc)).toEqual([]);
    doc.summary = { de: 'Hund anmelden', ar: 'Hund anmelden', ru: 'Hund anmelden' };
    expect(validate(doc)).toEqual([
      { path: 'summary.ar', key: 'text_script', params: { locale: 'ar' } },
      { path: 'summary.ru', key: 'text_script', params: { locale: 'ru' } },
    ]);
  });

  it('accepts Leichte Sprache', () => {
    expect(validate({ ...minimal(), summary: { de: 'x', en: 'y', 'de-x-ls': 'z' } })).toEqual([]);
  });

  it('refuses enum values, empty lists and bad identifiers', () => {
    const doc = minimal();
    doc.visibility = 'public';
    doc.trustLevel = 'none';
    doc.lebenslagen = [];
    doc.form.pages[0].items[0].id = '1name';
    doc.form.pages[0].items[0].type = 'colour';
    doc.steps[0].kind = 'wait';
    expect(validate(doc)).toEqual([
      { path: 'visibility', key: 'one_of', params: { allowed: 'shared, private' } },
      { path: 'lebenslagen', key: 'list_empty' },
      { path: 'trustLevel', key: 'one_of', params: { allowed: 'basic, substantial, high' } },
      { path: 'form.pages[0].items[0].id', key: 'identifier' },
      { path: 'form.pages[0].items[0].type', key: 'one_of', params: expect.any(Object) as unknown },
      {
        path: 'steps[0].kind',
        key: 'one_of',
        params: { allowed: 'form, identity, payment, review, document, notify, deliver, appointment' },
      },
    ]);
  });

  it('refuses a parameter name that is no identifier', () => {
    const doc = minimal();
    doc.parameters = { 'fee-eur': { type: 'money', label: { de: 'Gebühr' } } };
    expect(validate(doc)).toEqual([{ path: 'parameters.fee-eur', key: 'identifier' }]);
  });

  it('checks cardinalities and constraints', () => {
    const doc = minimal();
    doc.form.pages[0].items[0].repeat = { min: -1, max: 0 };
    doc.form.pages[0].items[0].constraints = { maxLength: 1.5, minDate: '01.01.2026', mediaTypes: ['pdf'] };
    expect(validate(doc)).toEqual([
      { path: 'form.pages[0].items[0].repeat.min', key: 'integer', params: { min: 0 } },
      { path: 'form.pages[0].items[0].repeat.max', key: 'integer', params: { min: 1 } },
      { path: 'form.pages[0].items[0].constraints.maxLength', key: 'integer', params: { min: 1 } },
      { path: 'form.pages[0].items[0].constraints.minDate', key: 'string' },
      { path: 'form.pages[0].items[0].constraints.mediaTypes[0]', key: 'string' },
    ]);
  });

  it('stops after shape faults: the later checks would read a broken document', () => {
    const doc = minimal();
    doc.colour = 'red';
    doc.lebenslagen = ['unbekannt'];
    expect(keys(validate(doc))).toEqual(['colour:unknown_field']);
  });
});

describe('validateDefinition: meaning', () => {
  it('names unknown Lebenslagen', () => {
    expect(validate({ ...minimal(), lebenslagen: ['haustiere', 'mond'] })).toEqual([
      { path: 'lebenslagen[1]', key: 'unknown_lage', params: { value: 'mond' } },
    ]);
  });

  it('refuses a field id used again on another page and inside a group', () => {
    const doc = minimal();
    doc.form.pages.push({
      id: 'zwei',
      title: { de: 'Zwei' },
      items: [
        { id: 'name', type: 'text', label: { de: 'Name' } },
        { id: 'g', type: 'group', title: { de: 'G' }, items: [{ id: 'g', type: 'text', label: { de: 'G' } }] },
      ],
    });
    expect(validate(doc)).toEqual([
      { path: 'form.pages[1].items[0].id', key: 'duplicate_id', params: { id: 'name' } },
      { path: 'form.pages[1].items[1].items[0].id', key: 'duplicate_id', params: { id: 'g' } },
    ]);
  });

  it('refuses duplicate page, step and fee ids and option values', () => {
    const doc = full();
    doc.form.pages[1].id = 'person';
    doc.steps[2].id = 'antrag';
    doc.fees[1].id = 'gebuehr';
    doc.form.pages[1].items[0].items[0].options.push({ value: 'x', label: { de: 'X again' } });
    expect(validate(doc)).toEqual([
      { path: 'form.pages[1].id', key: 'duplicate_id', params: { id: 'person' } },
      { path: 'form.pages[1].items[0].items[0].options[1].value', key: 'duplicate_id', params: { id: 'x' } },
      { path: 'steps[2].id', key: 'duplicate_id', params: { id: 'antrag' } },
      { path: 'fees[1].id', key: 'duplicate_id', params: { id: 'gebuehr' } },
    ]);
  });

  it.each(['select', 'radio', 'checkboxes'])('refuses a %s field without options or code list', (type) => {
    const doc = minimal();
    doc.form.pages[0].items[0].type = type;
    expect(validate(doc)).toEqual([{ path: 'form.pages[0].items[0]', key: 'options_missing', params: { type } }]);
  });

  it('refuses options and code lists on a field that is no choice', () => {
    const doc = full();
    doc.form.pages[0].items[1].options = [{ value: 'x', label: { de: 'X' } }];
    doc.form.pages[0].items[3].codeList = 'arten';
    expect(validate(doc)).toEqual([
      { path: 'form.pages[0].items[1].options', key: 'options_not_allowed' },
      { path: 'form.pages[0].items[3].codeList', key: 'options_not_allowed' },
    ]);
  });

  it('refuses a code list that is not declared', () => {
    const doc = full();
    doc.form.pages[0].items[2].codeList = 'farben';
    expect(validate(doc)).toEqual([
      { path: 'form.pages[0].items[2].codeList', key: 'unknown_code_list', params: { value: 'farben' } },
    ]);
    delete doc.form.codeLists;
    doc.form.pages[0].items[2].codeList = 'arten';
    expect(keys(validate(doc))).toEqual(['form.pages[0].items[2].codeList:unknown_code_list']);
  });

  // BUG: `f.codeList in codeLists` also finds properties of Object.prototype, so `codeList: "toString"` (a
  // valid identifier) passes as a declared code list; the same holds for `template: "constructor"` of a step.
  it('does not take Object.prototype members for code lists or templates', () => {
    const doc = full();
    doc.form.pages[0].items[2].codeList = 'toString';
    doc.steps[4].template = 'constructor';
    expect(keys(validate(doc))).toEqual([
      'form.pages[0].items[2].codeList:unknown_code_list',
      'steps[4].template:unknown_template',
    ]);
  });

  it('wants text on info fields and a label on every other field', () => {
    const doc = full();
    delete doc.form.pages[0].items[0].text;
    delete doc.form.pages[0].items[1].label;
    expect(validate(doc)).toEqual([
      { path: 'form.pages[0].items[0].text', key: 'info_text' },
      { path: 'form.pages[0].items[1].label', key: 'required' },
    ]);
  });

  it('accepts an info field with a label as well as its text', () => {
    const doc = full();
    doc.form.pages[0].items[0].label = { de: 'Hinweis' };
    expect(validate(doc)).toEqual([]);
  });

  it.each(['(', '[a-', '*x', 'a{2,1}', '\\-'])('refuses the pattern %j', (pattern) => {
    const doc = minimal();
    doc.form.pages[0].items[0].constraints = { pattern };
    expect(validate(doc)).toEqual([{ path: 'form.pages[0].items[0].constraints.pattern', key: 'regex' }]);
  });

  it('accepts patterns with Unicode classes', () => {
    const doc = minimal();
    doc.form.pages[0].items[0].constraints = { pattern: '[\\p{L} -]+' };
    expect(validate(doc)).toEqual([]);
  });

  describe('rules', () => {
    it('names a forbidden operator with its path', () => {
      const doc = full();
      doc.form.pages[0].items[1].visibleIf = { '==': [{ throw: 'x' }, 1] };
      expect(validate(doc)).toEqual([
        { path: 'form.pages[0].items[1].visibleIf.==[0].throw', key: 'rule_operator', params: { detail: 'throw' } },
      ]);
    });

    it('names an unknown variable with its path', () => {
      const doc = full();
      doc.form.pages[0].items[1].visibleIf = { '==': [{ var: 'answers.alter' }, 1] };
      expect(validate(doc)).toEqual([
        {
          path: 'form.pages[0].items[1].visibleIf.==[0].var',
          key: 'rule_variable',
          params: { detail: 'answers.alter' },
        },
      ]);
    });

    it('names a malformed operation with its path', () => {
      const doc = full();
      doc.form.pages[0].items[1].visibleIf = { '==': [1, 1], '!=': [1, 2] };
      doc.form.pages[0].items[3].validations[0].rule = { and: [{}] };
      expect(validate(doc)).toEqual([
        { path: 'form.pages[0].items[1].visibleIf', key: 'rule_shape', params: { detail: '==, !=' } },
        { path: 'form.pages[0].items[3].validations[0].rule.and[0]', key: 'rule_shape', params: { detail: '{}' } },
      ]);
    });

    it('checks the rules of pages, groups, requiredIf, validations, steps and fees', () => {
      const doc = full();
      const bad = { var: 'answers.nope' };
      doc.form.pages[1].visibleIf = bad;
      doc.form.pages[1].items[0].visibleIf = bad;
      doc.form.pages[1].items[0].items[1].requiredIf = bad;
      doc.form.pages[0].items[3].validations[0].rule = bad;
      doc.steps[2].when = bad;
      doc.fees[0].amount = bad;
      doc.fees[1].when = bad;
      expect(keys(validate(doc))).toEqual([
        'form.pages[0].items[3].validations[0].rule.var:rule_variable',
        'form.pages[1].visibleIf.var:rule_variable',
        'form.pages[1].items[0].visibleIf.var:rule_variable',
        'form.pages[1].items[0].items[1].requiredIf.var:rule_variable',
        'steps[2].when.var:rule_variable',
        'fees[0].amount.var:rule_variable',
        'fees[1].when.var:rule_variable',
      ]);
    });

    it('lets rules read answers on other pages, group members and parameters', () => {
      const doc = full();
      doc.form.pages[0].visibleIf = { '!': [{ var: 'answers.chip' }] };
      doc.steps[3].when = { '==': [{ var: 'answers.rasse' }, { var: 'params.mode' }] };
      expect(validate(doc)).toEqual([]);
    });

    it('allows item.* only inside a repeatable group, for the members of that group', () => {
      const doc = full();
      // outside any group
      doc.form.pages[0].items[1].visibleIf = { var: 'item.rasse' };
      // inside the repeatable group, naming no member
      doc.form.pages[1].items[0].items[0].visibleIf = { var: 'item.name' };
      // on the repeatable group itself (evaluated outside its entries)
      doc.form.pages[1].items[0].visibleIf = { var: 'item.rasse' };
      // in a step
      doc.steps[1].when = { var: 'item.rasse' };
      expect(keys(validate(doc))).toEqual([
        'form.pages[0].items[1].visibleIf.var:rule_variable',
        'form.pages[1].items[0].visibleIf.var:rule_variable',
        'form.pages[1].items[0].items[0].visibleIf.var:rule_variable',
        'steps[1].when.var:rule_variable',
      ]);
    });

    it('refuses item.* inside a group that does not repeat', () => {
      const doc = full();
      delete doc.form.pages[1].items[0].repeat;
      expect(validate(doc)).toEqual([
        {
          path: 'form.pages[1].items[0].items[1].visibleIf.==[0].var',
          key: 'rule_variable',
          params: { detail: 'item.rasse' },
        },
      ]);
    });

    it('uses the nearest repeatable group for item.*', () => {
      const doc = full();
      const outer = doc.form.pages[1].items[0];
      outer.items.push({
        id: 'welpen',
        type: 'group',
        title: { de: 'Welpen' },
        repeat: { min: 0 },
        items: [
          { id: 'welpe', type: 'text', label: { de: 'Welpe' } },
          { id: 'farbe', type: 'text', label: { de: 'Farbe' }, visibleIf: { var: 'item.welpe' } },
          { id: 'farbe2', type: 'text', label: { de: 'Farbe' }, visibleIf: { var: 'item.rasse' } },
        ],
      });
      expect(validate(doc)).toEqual([
        {
          path: 'form.pages[1].items[0].items[2].items[2].visibleIf.var',
          key: 'rule_variable',
          params: { detail: 'item.rasse' },
        },
      ]);
    });

    // BUG: `documents.<name>.validFor` is JSONLogic (the format says any operator outside the list is a fault) but
    // the validator never checks it, so `validFor: {"throw": "x"}` or a `var` naming nothing passes.
    it('checks the validFor rule of documents', () => {
      const doc = full();
      doc.documents.bescheid.validFor = { if: [{ var: 'params.nope' }, { throw: 'x' }, 'P1Y'] };
      expect(keys(validate(doc))).toEqual([
        'documents.bescheid.validFor.if[0].var:rule_variable',
        'documents.bescheid.validFor.if[1].throw:rule_operator',
      ]);
    });
  });

  describe('steps', () => {
    it('wants the first step to be a form step', () => {
      const doc = minimal();
      doc.steps = [
        { id: 'identitaet', kind: 'identity', level: 'basic' },
        { id: 'antrag', kind: 'form' },
      ];
      expect(validate(doc)).toEqual([{ path: 'steps[0].kind', key: 'first_step' }]);
    });

    it('names what a step needs', () => {
      const doc = full();
      delete doc.steps[1].level;
      delete doc.steps[4].template;
      delete doc.steps[5].to;
      delete doc.steps[6].target;
      expect(validate(doc)).toEqual([
        { path: 'steps[1]', key: 'step_needs', params: { kind: 'identity', field: 'level' } },
        { path: 'steps[4]', key: 'step_needs', params: { kind: 'document', field: 'template' } },
        { path: 'steps[5]', key: 'step_needs', params: { kind: 'notify', field: 'to' } },
        { path: 'steps[6]', key: 'step_needs', params: { kind: 'deliver', field: 'target' } },
      ]);
    });

    it('names fields a step does not use', () => {
      const doc = full();
      doc.steps[0].level = 'high';
      // (a message that exists, so that only the unused field is named)
      doc.steps[2].template = 'eingang';
      doc.steps[3].to = 'office';
      doc.steps[1].target = 'email';
      expect(validate(doc)).toEqual([
        { path: 'steps[0].level', key: 'step_field', params: { kind: 'form' } },
        { path: 'steps[1].target', key: 'step_field', params: { kind: 'identity' } },
        { path: 'steps[2].template', key: 'step_field', params: { kind: 'payment' } },
        { path: 'steps[3].to', key: 'step_field', params: { kind: 'review' } },
      ]);
    });

    it('wants a fee for a payment step', () => {
      const doc = full();
      doc.fees = [];
      expect(validate(doc)).toEqual([{ path: 'steps[2]', key: 'payment_without_fee' }]);
      delete doc.fees;
      expect(validate(doc)).toEqual([{ path: 'steps[2]', key: 'payment_without_fee' }]);
    });

    it('wants office to name a parameter of type office', () => {
      const doc = full();
      doc.steps[3].office = 'fee';
      doc.steps[6].office = 'amt';
      expect(validate(doc)).toEqual([
        { path: 'steps[3].office', key: 'office_param', params: { value: 'fee' } },
        { path: 'steps[6].office', key: 'office_param', params: { value: 'amt' } },
      ]);
    });

    it('wants a document step to name a document and a notify step a message', () => {
      const doc = full();
      doc.steps[4].template = 'eingang';
      doc.steps[5].template = 'bescheid';
      expect(validate(doc)).toEqual([
        { path: 'steps[4].template', key: 'unknown_template', params: { value: 'eingang' } },
        { path: 'steps[5].template', key: 'unknown_template', params: { value: 'bescheid' } },
      ]);
      delete doc.documents;
      delete doc.messages;
      expect(keys(validate(doc))).toEqual(['steps[4].template:unknown_template', 'steps[5].template:unknown_template']);
    });
  });

  describe('templates', () => {
    it('names template syntax errors with path and language', () => {
      const doc = full();
      doc.description = { de: 'ok {{money params.fee}}', en: 'Costs {{money params.fee}' };
      doc.documents.bescheid.body = { de: '{{#if answers.name}}offen' };
      doc.messages.eingang.subject = { de: '{{/if}}' };
      const faults = validate(doc);
      expect(keys(faults)).toEqual([
        'description.en:template',
        'documents.bescheid.body.de:template',
        'messages.eingang.subject.de:template',
      ]);
      for (const f of faults) {
        expect(f.params?.detail).toEqual(expect.any(String));
        expect(String(f.params?.detail)).not.toContain('\n');
      }
      expect(faults[0].params?.detail).toMatch(/^Parse error on line 1/);
    });

    it('checks the body of messages as well as the subject', () => {
      const doc = full();
      doc.messages.eingang.body = { de: 'ok', en: '{{#each}}' };
      expect(keys(validate(doc))).toEqual(['messages.eingang.body.en:template']);
    });
  });

  describe('parameters', () => {
    it('refuses a default of the wrong type', () => {
      const doc = full();
      doc.parameters.fee.default = 'dreißig';
      doc.parameters.validity.default = '1 Jahr';
      doc.parameters.mode.default = 'c';
      doc.parameters.note.default = 3;
      expect(validate(doc)).toEqual([
        { path: 'parameters.fee.default', key: 'money' },
        { path: 'parameters.validity.default', key: 'duration' },
        { path: 'parameters.note.default', key: 'text_value' },
        { path: 'parameters.mode.default', key: 'one_of', params: { allowed: 'a, b' } },
      ]);
    });

    it('refuses a money default with three decimals or outside min and max', () => {
      const doc = full();
      doc.parameters.fee.default = 30.705;
      expect(validate(doc)).toEqual([{ path: 'parameters.fee.default', key: 'money' }]);
      doc.parameters.fee.default = 501;
      expect(validate(doc)).toEqual([
        { path: 'parameters.fee.default', key: 'money_range', params: { min: 0, max: 500 } },
      ]);
    });

    it('refuses required together with a default', () => {
      const doc = full();
      doc.parameters.fee.required = true;
      expect(validate(doc)).toEqual([{ path: 'parameters.fee.required', key: 'required_with_default' }]);
      doc.parameters.fee.required = false;
      expect(validate(doc)).toEqual([]);
    });

    it('wants options on an enum and refuses them elsewhere', () => {
      const doc = full();
      delete doc.parameters.mode.options;
      delete doc.parameters.mode.default;
      doc.parameters.note.options = [{ value: 'a', label: { de: 'A' } }];
      expect(validate(doc)).toEqual([
        { path: 'parameters.note.options', key: 'unknown_field' },
        { path: 'parameters.mode.options', key: 'required' },
      ]);
    });

    it('refuses an unknown parameter type', () => {
      const doc = minimal();
      doc.parameters = { x: { type: 'date', label: { de: 'X' } } };
      expect(validate(doc)).toEqual([
        { path: 'parameters.x.type', key: 'one_of', params: { allowed: 'money, text, enum, list, office, duration' } },
      ]);
    });
  });
});

describe('validateDefinition: what every adopter must be able to render and run', () => {
  it.each([
    ['a partial', 'Siehe {{> andere}}', 'PartialStatement is not allowed'],
    ['an unknown helper', 'Gebühr {{betrag params.fee}}', 'unknown helper "betrag"'],
    ['an unknown block helper', '{{#repeat 3}}x{{/repeat}}', 'unknown helper "repeat"'],
  ])('refuses %s in a text', (_, text, detail) => {
    const doc = minimal();
    (doc as Record<string, unknown>).description = { de: text };
    expect(validate(doc)).toEqual([{ path: 'description.de', key: 'template', params: { detail } }]);
  });

  it('accepts the helpers texts have and plain values', () => {
    const doc = minimal();
    (doc as Record<string, unknown>).description = {
      de: '{{#if params.x}}{{money params.fee}}{{/if}} {{#each params.zones}}{{this}}{{/each}} {{tenant.name}}',
    };
    expect(validate(doc)).toEqual([]);
  });

  it('refuses the key of a link service', () => {
    const doc = minimal();
    (doc as Record<string, unknown>).key = 'bafoeg';
    expect(validateDefinition(doc, { ...context, reserved: new Set(['bafoeg']) })).toEqual([
      { path: 'key', key: 'key_reserved', params: { value: 'bafoeg' } },
    ]);
  });

  it('holds an appointment step to an office parameter and a service key', () => {
    const doc = {
      ...minimal(),
      parameters: { amt: { type: 'office', label: { de: 'Amt' } } },
      steps: [
        { id: 'antrag', kind: 'form' },
        { id: 'termin', kind: 'appointment', office: 'amt', service: 'urkunde-abholen' },
        { id: 'ohneDienst', kind: 'appointment', office: 'amt' },
        { id: 'pruefung', kind: 'review', service: 'urkunde-abholen' },
      ],
    };
    expect(keys(validate(doc))).toEqual(['steps[2]:step_needs', 'steps[3].service:step_field']);
    doc.steps = [doc.steps[0], { id: 'termin', kind: 'appointment', office: 'amt', service: 'Urkunde abholen' }];
    expect(keys(validate(doc))).toEqual(['steps[1].service:slug']);
  });

  describe('against the step kinds the platform runs', () => {
    const kinds = stepKindTable([
      { kind: 'form', needs: [], uses: [] },
      { kind: 'inspection', needs: ['office'], uses: ['office'] },
    ]);
    const withSteps = (steps: Doc[]): Doc => ({
      ...minimal(),
      parameters: { amt: { type: 'office', label: { de: 'Amt' } } },
      steps: [{ id: 'antrag', kind: 'form' }, ...steps],
    });

    it('accepts a kind that is registered, with the fields it takes', () => {
      const doc = withSteps([{ id: 'ortstermin', kind: 'inspection', office: 'amt' }]);
      expect(validateDefinition(doc, { ...context, steps: kinds })).toEqual([]);
      expect(keys(validate(doc))).toEqual(['steps[1].kind:one_of']);
    });

    it('refuses a built-in kind that is not registered', () => {
      const doc = withSteps([{ id: 'zahlung', kind: 'payment' }]);
      expect(validateDefinition(doc, { ...context, steps: kinds })).toEqual([
        { path: 'steps[1].kind', key: 'one_of', params: { allowed: 'form, inspection' } },
      ]);
    });

    it('holds a registered kind to the fields it needs and uses', () => {
      const doc = withSteps([{ id: 'ortstermin', kind: 'inspection', template: 'x' }]);
      expect(keys(validateDefinition(doc, { ...context, steps: kinds }))).toEqual([
        'steps[1]:step_needs',
        'steps[1].template:step_field',
        'steps[1].template:unknown_template',
      ]);
    });
  });

  describe('applicant', () => {
    const withApplicant = (applicant: Doc): Doc => {
      const doc = minimal();
      doc.form.pages[0].items.push(
        { id: 'nachname', type: 'text', label: { de: 'Nachname' } },
        { id: 'anschrift', type: 'address', label: { de: 'Anschrift' } },
        { id: 'geburt', type: 'date', label: { de: 'Geburtsdatum' } },
        {
          id: 'kinder',
          type: 'group',
          title: { de: 'Kinder' },
          repeat: { min: 0, max: 3 },
          items: [{ id: 'kind', type: 'text', label: { de: 'Name' } }],
        },
      );
      doc.applicant = applicant;
      return doc;
    };

    it('accepts fields of the form that hold a name and an address', () => {
      expect(validate(withApplicant({ givenName: 'name', familyName: 'nachname', address: 'anschrift' }))).toEqual([]);
    });

    it('refuses a field that does not exist or lies in a repeated group', () => {
      expect(validate(withApplicant({ givenName: 'vorname', name: 'kind' }))).toEqual([
        { path: 'applicant.givenName', key: 'applicant_field', params: { value: 'vorname' } },
        { path: 'applicant.name', key: 'applicant_field', params: { value: 'kind' } },
      ]);
    });

    it('refuses a field of a type that cannot hold the part', () => {
      expect(validate(withApplicant({ familyName: 'geburt', address: 'geburt' }))).toEqual([
        {
          path: 'applicant.familyName',
          key: 'applicant_type',
          params: { value: 'geburt', type: 'date', allowed: 'text' },
        },
        {
          path: 'applicant.address',
          key: 'applicant_type',
          params: { value: 'geburt', type: 'date', allowed: 'address, text, longText' },
        },
      ]);
    });

    it('knows no other parts', () => {
      expect(keys(validate(withApplicant({ email: 'name' })))).toEqual(['applicant.email:unknown_field']);
    });
  });
});
