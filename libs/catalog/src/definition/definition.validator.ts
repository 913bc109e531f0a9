import Handlebars from 'handlebars';
import {
  CHOICE_TYPES,
  FIELD_TYPES,
  FieldDefinition,
  FormItem,
  GroupDefinition,
  Rule,
  RuleScope,
  checkRule,
  isGroup,
  walkItems,
} from '@openrathaus/forms';
import { DELIVERY_TARGETS, PARAMETER_TYPES, ProcessDefinition, TRUST_LEVELS, VISIBILITIES } from './process-definition';
import { BUILT_IN_STEP_KINDS, STEP_FIELDS, StepKindTable } from './step-kinds';
import { DURATION, readParameterValue } from './parameters';
import { RETENTION_ACTIONS } from './retention';
import { Shape, ShapeFault, checkShape, isRecord } from './shape';

export const DEFINITION_KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const IDENT = /^[a-zA-Z][a-zA-Z0-9_]*$/;
/** A service of an office's appointment calendar (`tenant.yaml`). */
const SERVICE_KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const text: Shape = { t: 'text' };
const rule: Shape = { t: 'any' };
const ident: Shape = { t: 'string', pattern: IDENT, patternKey: 'identifier' };
const duration: Shape = { t: 'string', pattern: DURATION, patternKey: 'duration' };
const option: Shape = {
  t: 'object',
  fields: { value: { t: 'string', max: 200 }, label: text },
  required: ['value', 'label'],
};
const cardinality: Shape = {
  t: 'object',
  fields: { min: { t: 'integer' }, max: { t: 'integer', min: 1 } },
  required: ['min'],
};
const source: Shape = { t: 'object', fields: { id: { t: 'string' }, version: { t: 'string' } }, required: ['id'] };
const notes: Shape = { t: 'list', of: { t: 'string' } };

const constraints: Shape = {
  t: 'object',
  fields: {
    minLength: { t: 'integer' },
    maxLength: { t: 'integer', min: 1 },
    pattern: { t: 'string' },
    min: { t: 'number' },
    max: { t: 'number' },
    decimals: { t: 'integer' },
    minDate: { t: 'string', pattern: /^(\d{4}-\d{2}-\d{2}|today)$/, patternKey: 'string' },
    maxDate: { t: 'string', pattern: /^(\d{4}-\d{2}-\d{2}|today)$/, patternKey: 'string' },
    minItems: { t: 'integer' },
    maxItems: { t: 'integer', min: 1 },
    maxSize: { t: 'integer', min: 1 },
    mediaTypes: { t: 'list', of: { t: 'string', pattern: /^[a-z]+\/[a-z0-9.+-]+$/, patternKey: 'string' } },
  },
};

const field: Shape = {
  t: 'object',
  fields: {
    id: ident,
    type: { t: 'enum', values: FIELD_TYPES },
    label: text,
    hint: text,
    text,
    required: { t: 'boolean' },
    requiredIf: rule,
    visibleIf: rule,
    constraints,
    options: { t: 'list', of: option, nonEmpty: true },
    codeList: ident,
    default: { t: 'any' },
    validations: { t: 'list', of: { t: 'object', fields: { rule, message: text }, required: ['rule', 'message'] } },
    repeat: cardinality,
    notes,
    source,
  },
  // An info field shows its text and may go without a label; every other field needs one.
  required: ['id', 'type'],
};

const item: Shape = { t: 'choice', pick: (value) => (value.type === 'group' ? group : field) };

const group: Shape = {
  t: 'object',
  fields: {
    id: ident,
    type: { t: 'enum', values: ['group'] },
    title: text,
    description: text,
    repeat: cardinality,
    visibleIf: rule,
    items: { t: 'list', of: item, nonEmpty: true },
    notes,
    source,
  },
  required: ['id', 'type', 'title', 'items'],
};

const parameter: Shape = {
  t: 'object',
  fields: {
    type: { t: 'enum', values: PARAMETER_TYPES },
    label: text,
    description: text,
    required: { t: 'boolean' },
    default: { t: 'any' },
    options: { t: 'list', of: option, nonEmpty: true },
    min: { t: 'number' },
    max: { t: 'number' },
  },
  required: ['type', 'label'],
};

const stepFields: Record<string, Shape> = {
  id: ident,
  when: rule,
  level: { t: 'enum', values: TRUST_LEVELS },
  office: ident,
  template: ident,
  to: { t: 'enum', values: ['applicant', 'office'] },
  target: { t: 'enum', values: DELIVERY_TARGETS },
  service: { t: 'string', pattern: SERVICE_KEY, patternKey: 'slug', max: 64 },
};

const definitionFields: Record<string, Shape> = {
  key: { t: 'string', pattern: DEFINITION_KEY, patternKey: 'slug', max: 80 },
  version: { t: 'string', pattern: SEMVER, patternKey: 'semver' },
  visibility: { t: 'enum', values: VISIBILITIES },
  leika: { t: 'string', pattern: /^99\d{12}$/, patternKey: 'leika' },
  title: text,
  summary: text,
  description: text,
  lebenslagen: { t: 'list', of: { t: 'string' }, nonEmpty: true },
  keywords: { t: 'list', of: { t: 'string', max: 100 } },
  requiredDocuments: { t: 'list', of: text },
  processingTime: text,
  legalBasis: {
    t: 'list',
    of: {
      t: 'object',
      fields: { title: { t: 'string' }, url: { t: 'string', pattern: /^https?:\/\//, patternKey: 'string' } },
      required: ['title'],
    },
  },
  trustLevel: { t: 'enum', values: TRUST_LEVELS },
  retention: {
    t: 'short',
    string: duration,
    object: {
      t: 'object',
      fields: { after: duration, action: { t: 'enum', values: RETENTION_ACTIONS } },
      required: ['after'],
    },
  },
  changes: text,
  parameters: { t: 'map', of: parameter, keyPattern: IDENT },
  applicant: {
    t: 'object',
    fields: { givenName: ident, familyName: ident, name: ident, address: ident },
  },
  form: {
    t: 'object',
    fields: {
      pages: {
        t: 'list',
        nonEmpty: true,
        of: {
          t: 'object',
          fields: {
            id: ident,
            title: text,
            description: text,
            visibleIf: rule,
            items: { t: 'list', of: item, nonEmpty: true },
          },
          required: ['id', 'title', 'items'],
        },
      },
      codeLists: {
        t: 'map',
        keyPattern: IDENT,
        of: {
          t: 'object',
          fields: {
            uri: { t: 'string' },
            version: { t: 'string' },
            options: { t: 'list', of: option, nonEmpty: true },
          },
          required: ['options'],
        },
      },
    },
    required: ['pages'],
  },
  fees: {
    t: 'list',
    of: {
      t: 'object',
      fields: { id: ident, label: text, amount: rule, when: rule },
      required: ['id', 'label', 'amount'],
    },
  },
  documents: {
    t: 'map',
    keyPattern: IDENT,
    of: { t: 'object', fields: { title: text, body: text, validFor: rule }, required: ['title', 'body'] },
  },
  messages: {
    t: 'map',
    keyPattern: IDENT,
    of: { t: 'object', fields: { subject: text, body: text }, required: ['subject', 'body'] },
  },
};

const definitionRequired = [
  'key',
  'version',
  'visibility',
  'leika',
  'title',
  'summary',
  'lebenslagen',
  'trustLevel',
  'form',
  'steps',
];

const shapes = new WeakMap<StepKindTable, Shape>();

/** The shape of a definition whose steps are of the kinds given. */
function definitionShape(kinds: StepKindTable): Shape {
  let shape = shapes.get(kinds);
  if (!shape) {
    const step: Shape = {
      t: 'object',
      fields: { ...stepFields, kind: { t: 'enum', values: [...kinds.keys()] } },
      required: ['id', 'kind'],
    };
    shape = {
      t: 'object',
      fields: { ...definitionFields, steps: { t: 'list', of: step, nonEmpty: true } },
      required: definitionRequired,
    };
    shapes.set(kinds, shape);
  }
  return shape;
}

/** What the checks need from outside the document. */
export interface ValidationContext {
  /** Ids of the shipped Lebenslagen and Unternehmenslagen. */
  lagen: ReadonlySet<string>;
  /** Service keys a definition may not take (the link services'). */
  reserved?: ReadonlySet<string>;
  /** The step kinds the platform runs; the format's built-in kinds when not given. */
  steps?: StepKindTable;
}

/**
 * Checks a parsed process definition: its shape first, then what the shape cannot say (unique
 * ids, code lists, rules that read only what exists, templates that compile, steps that fit).
 */
export function validateDefinition(doc: unknown, context: ValidationContext): ShapeFault[] {
  const kinds = context.steps ?? BUILT_IN_STEP_KINDS;
  const shapeFaults = checkShape(doc, definitionShape(kinds));
  if (shapeFaults.length || !isRecord(doc)) return shapeFaults;
  const definition = doc as unknown as ProcessDefinition;
  definition.parameters ??= {};
  definition.fees ??= [];
  return [
    ...checkLagen(definition, context),
    ...checkParameters(definition),
    ...checkForm(definition),
    ...checkApplicant(definition),
    ...checkSteps(definition, kinds),
    ...checkFees(definition),
    ...checkDocuments(definition),
    ...checkTemplates(definition),
  ];
}

function checkLagen(d: ProcessDefinition, context: ValidationContext): ShapeFault[] {
  const faults: ShapeFault[] = d.lebenslagen.flatMap((id, i) =>
    context.lagen.has(id) ? [] : [{ path: `lebenslagen[${i}]`, key: 'unknown_lage' as const, params: { value: id } }],
  );
  // A tenant's services are keyed by key: an online service and a link service cannot share one.
  if (context.reserved?.has(d.key)) faults.push({ path: 'key', key: 'key_reserved', params: { value: d.key } });
  return faults;
}

function checkParameters(d: ProcessDefinition): ShapeFault[] {
  const faults: ShapeFault[] = [];
  for (const [name, p] of Object.entries(d.parameters)) {
    const path = `parameters.${name}`;
    if (p.type === 'enum' && !p.options) faults.push({ path: `${path}.options`, key: 'required' });
    if (p.type !== 'enum' && p.options) faults.push({ path: `${path}.options`, key: 'unknown_field' });
    if (p.default !== undefined) {
      if (p.required) faults.push({ path: `${path}.required`, key: 'required_with_default' });
      const reading = readParameterValue(p, p.default);
      if (!reading.ok) faults.push({ path: `${path}.default`, key: reading.key, params: reading.params });
    }
  }
  return faults;
}

/** Every id in the form, and the ids seen inside each repeatable group. */
function collectIds(d: ProcessDefinition, faults: ShapeFault[]) {
  const ids = new Set<string>();
  const paths = new Map<FormItem, string>();
  const visit = (items: FormItem[], path: string) =>
    items.forEach((entry, i) => {
      const here = `${path}.items[${i}]`;
      paths.set(entry, here);
      if (ids.has(entry.id)) faults.push({ path: `${here}.id`, key: 'duplicate_id', params: { id: entry.id } });
      ids.add(entry.id);
      if (isGroup(entry)) visit(entry.items, here);
    });
  const pageIds = new Set<string>();
  d.form.pages.forEach((page, i) => {
    if (pageIds.has(page.id))
      faults.push({ path: `form.pages[${i}].id`, key: 'duplicate_id', params: { id: page.id } });
    pageIds.add(page.id);
    visit(page.items, `form.pages[${i}]`);
  });
  return { ids, paths };
}

const ruleFaults = (value: Rule | undefined, scope: RuleScope, path: string): ShapeFault[] =>
  value === undefined
    ? []
    : checkRule(value, scope).map((p) => ({
        path: p.path ? `${path}.${p.path}` : path,
        key: `rule_${p.kind}` as const,
        params: { detail: p.detail },
      }));

function checkForm(d: ProcessDefinition): ShapeFault[] {
  const faults: ShapeFault[] = [];
  const { ids, paths } = collectIds(d, faults);
  const params = new Set(Object.keys(d.parameters));
  const codeLists = d.form.codeLists ?? {};
  d.form.pages.forEach((page, i) => {
    faults.push(...ruleFaults(page.visibleIf, { answers: ids, params }, `form.pages[${i}].visibleIf`));
    for (const { item: entry, parents } of walkItems(page.items)) {
      const path = paths.get(entry) ?? '';
      const repeated = [...parents].reverse().find((g: GroupDefinition) => g.repeat);
      const scope: RuleScope = {
        answers: ids,
        params,
        item: repeated ? new Set(repeated.items.map((x) => x.id)) : undefined,
      };
      faults.push(...ruleFaults(entry.visibleIf, scope, `${path}.visibleIf`));
      if (!isGroup(entry)) faults.push(...checkField(entry, path, scope, codeLists));
    }
  });
  return faults;
}

function checkField(f: FieldDefinition, path: string, scope: RuleScope, codeLists: object): ShapeFault[] {
  const faults: ShapeFault[] = [];
  const choice = CHOICE_TYPES.includes(f.type);
  if (choice && !f.options && !f.codeList) faults.push({ path, key: 'options_missing', params: { type: f.type } });
  if (!choice && (f.options || f.codeList)) {
    faults.push({ path: `${path}.${f.options ? 'options' : 'codeList'}`, key: 'options_not_allowed' });
  }
  if (f.codeList && !Object.hasOwn(codeLists, f.codeList)) {
    faults.push({ path: `${path}.codeList`, key: 'unknown_code_list', params: { value: f.codeList } });
  }
  if (f.type === 'info' && !f.text) faults.push({ path: `${path}.text`, key: 'info_text' });
  if (f.type !== 'info' && !f.label) faults.push({ path: `${path}.label`, key: 'required' });
  const values = (f.options ?? []).map((o) => o.value);
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i)
      faults.push({ path: `${path}.options[${i}].value`, key: 'duplicate_id', params: { id: v } });
  });
  if (f.constraints?.pattern !== undefined) {
    try {
      new RegExp(f.constraints.pattern, 'u');
    } catch {
      faults.push({ path: `${path}.constraints.pattern`, key: 'regex' });
    }
  }
  faults.push(...ruleFaults(f.requiredIf, scope, `${path}.requiredIf`));
  (f.validations ?? []).forEach((v, i) => faults.push(...ruleFaults(v.rule, scope, `${path}.validations[${i}].rule`)));
  return faults;
}

/** The types of field each part of `applicant` may name. */
const APPLICANT_TYPES: Record<keyof NonNullable<ProcessDefinition['applicant']>, readonly string[]> = {
  givenName: ['text'],
  familyName: ['text'],
  name: ['text'],
  address: ['address', 'text', 'longText'],
};

/** `applicant` names fields the answers hold at the top level (not inside repeated groups). */
function checkApplicant(d: ProcessDefinition): ShapeFault[] {
  const fields = new Map<string, FieldDefinition>();
  for (const page of d.form.pages) {
    for (const { item: entry, parents } of walkItems(page.items)) {
      if (!isGroup(entry) && !parents.some((g: GroupDefinition) => g.repeat)) fields.set(entry.id, entry);
    }
  }
  const faults: ShapeFault[] = [];
  for (const [part, id] of Object.entries(d.applicant ?? {}) as [keyof typeof APPLICANT_TYPES, string][]) {
    const field = fields.get(id);
    const allowed = APPLICANT_TYPES[part];
    if (!field) faults.push({ path: `applicant.${part}`, key: 'applicant_field', params: { value: id } });
    else if (!allowed.includes(field.type)) {
      faults.push({
        path: `applicant.${part}`,
        key: 'applicant_type',
        params: { value: id, type: field.type, allowed: allowed.join(', ') },
      });
    }
  }
  return faults;
}

function checkSteps(d: ProcessDefinition, kinds: StepKindTable): ShapeFault[] {
  const faults: ShapeFault[] = [];
  const answers = new Set<string>();
  for (const page of d.form.pages) for (const { item: entry } of walkItems(page.items)) answers.add(entry.id);
  const scope: RuleScope = { answers, params: new Set(Object.keys(d.parameters)) };
  if (d.steps[0]?.kind !== 'form') faults.push({ path: 'steps[0].kind', key: 'first_step' });
  const ids = new Set<string>();
  d.steps.forEach((s, i) => {
    const path = `steps[${i}]`;
    if (ids.has(s.id)) faults.push({ path: `${path}.id`, key: 'duplicate_id', params: { id: s.id } });
    ids.add(s.id);
    const spec = kinds.get(s.kind);
    for (const name of spec?.needs ?? []) {
      if (s[name] === undefined) faults.push({ path, key: 'step_needs', params: { kind: s.kind, field: name } });
    }
    for (const name of STEP_FIELDS) {
      if (s[name] !== undefined && !spec?.uses.includes(name)) {
        faults.push({ path: `${path}.${name}`, key: 'step_field', params: { kind: s.kind } });
      }
    }
    if (s.office !== undefined && d.parameters[s.office]?.type !== 'office') {
      faults.push({ path: `${path}.office`, key: 'office_param', params: { value: s.office } });
    }
    const templates = s.kind === 'document' ? d.documents : d.messages;
    if (s.template !== undefined && !(templates && Object.hasOwn(templates, s.template))) {
      faults.push({ path: `${path}.template`, key: 'unknown_template', params: { value: s.template } });
    }
    if (s.kind === 'payment' && d.fees.length === 0) faults.push({ path, key: 'payment_without_fee' });
    faults.push(...ruleFaults(s.when, scope, `${path}.when`));
  });
  return faults;
}

function checkFees(d: ProcessDefinition): ShapeFault[] {
  const answers = new Set<string>();
  for (const page of d.form.pages) for (const { item: entry } of walkItems(page.items)) answers.add(entry.id);
  const scope: RuleScope = { answers, params: new Set(Object.keys(d.parameters)) };
  const ids = new Set<string>();
  return d.fees.flatMap((fee, i) => {
    const faults = [
      ...ruleFaults(fee.amount, scope, `fees[${i}].amount`),
      ...ruleFaults(fee.when, scope, `fees[${i}].when`),
    ];
    if (ids.has(fee.id)) faults.push({ path: `fees[${i}].id`, key: 'duplicate_id', params: { id: fee.id } });
    ids.add(fee.id);
    return faults;
  });
}

function checkDocuments(d: ProcessDefinition): ShapeFault[] {
  const answers = new Set<string>();
  for (const page of d.form.pages) for (const { item: entry } of walkItems(page.items)) answers.add(entry.id);
  const scope: RuleScope = { answers, params: new Set(Object.keys(d.parameters)) };
  return Object.entries(d.documents ?? {}).flatMap(([name, doc]) =>
    ruleFaults(doc.validFor, scope, `documents.${name}.validFor`),
  );
}

/** The helpers texts may call (see TextTemplates) and Handlebars' own block helpers. */
const TEMPLATE_HELPERS = new Set(['money', 'duration', 'join', 'date', 'text', 'if', 'unless', 'each', 'with']);

/**
 * What a template may not do: include partials or decorators (there are none for definitions) or
 * call a helper that does not exist. A shared text must render on every adopter's portal.
 */
function templateProblem(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as { type?: string; path?: { original?: unknown }; params?: unknown[]; hash?: unknown };
  if (n.type && /Partial|Decorator/.test(n.type)) return `${n.type} is not allowed`;
  if (
    (n.type === 'MustacheStatement' || n.type === 'SubExpression' || n.type === 'BlockStatement') &&
    (n.params?.length || n.hash || n.type !== 'MustacheStatement') &&
    typeof n.path?.original === 'string' &&
    !TEMPLATE_HELPERS.has(n.path.original)
  ) {
    return `unknown helper "${n.path.original}"`;
  }
  for (const child of Object.values(node)) {
    const problem = Array.isArray(child) ? child.map(templateProblem).find(Boolean) : templateProblem(child);
    if (problem) return problem;
  }
  return undefined;
}

function checkTemplates(d: ProcessDefinition): ShapeFault[] {
  const texts: [string, Record<string, string | undefined> | undefined][] = [['description', d.description]];
  for (const [name, t] of Object.entries(d.documents ?? {})) texts.push([`documents.${name}.body`, t.body]);
  for (const [name, m] of Object.entries(d.messages ?? {})) {
    texts.push([`messages.${name}.subject`, m.subject], [`messages.${name}.body`, m.body]);
  }
  const faults: ShapeFault[] = [];
  for (const [path, localized] of texts) {
    for (const [locale, source] of Object.entries(localized ?? {})) {
      let detail: string | undefined;
      try {
        detail = templateProblem(Handlebars.parse(source ?? ''));
      } catch (error) {
        detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      }
      if (detail) faults.push({ path: `${path}.${locale}`, key: 'template', params: { detail } });
    }
  }
  return faults;
}
