/**
 * The form model of a process definition. It can express what an XDatenfelder 2.0/3.0 schema
 * holds (groups, fields, cardinality, data types, constraints, code lists, rules) and what the
 * portal renders (pages, info texts, consent).
 */
import type { LocalizedText } from '@openrathaus/i18n';

/** A JSONLogic expression (`{"==": [{"var": "answers.art"}, "anmeldung"]}`), evaluated by {@link Rules}. */
export type Rule = boolean | number | string | null | Rule[] | { [operator: string]: Rule };

export const FIELD_TYPES = [
  'text',
  'longText',
  'number',
  'date',
  'email',
  'phone',
  'select',
  'radio',
  'checkboxes',
  'file',
  'address',
  'iban',
  'licensePlate',
  'info',
  'consent',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Field types whose answer is one (or, for checkboxes, several) values of a code list. */
export const CHOICE_TYPES: readonly FieldType[] = ['select', 'radio', 'checkboxes'];

export interface ChoiceOption {
  value: string;
  label: LocalizedText;
}

/** A code list (XDatenfelder: Codeliste), declared once and named by fields. */
export interface CodeList {
  /** Where it comes from, e.g. `urn:de:dsmeld:schluesseltabelle:geschlecht` and its version. */
  uri?: string;
  version?: string;
  options: ChoiceOption[];
}

/** Limits on an answer; which apply depends on the field type. */
export interface FieldConstraints {
  minLength?: number;
  maxLength?: number;
  /** A regular expression the whole answer must match (anchored by the validator). */
  pattern?: string;
  min?: number;
  max?: number;
  /** Number of decimal places allowed for numbers (0 = whole numbers). */
  decimals?: number;
  /** ISO dates (`2026-01-01`) or `today`. */
  minDate?: string;
  maxDate?: string;
  /** For checkboxes: how many may be chosen. */
  minItems?: number;
  maxItems?: number;
  /** For files: largest size in bytes and accepted media types. */
  maxSize?: number;
  mediaTypes?: string[];
}

/** A rule that must hold for the answers; its message is shown at the field when it does not. */
export interface Validation {
  rule: Rule;
  message: LocalizedText;
}

interface ItemBase {
  /** Unique in the whole form; answers are keyed by it. */
  id: string;
  /** Shown only when the rule holds; hidden items are neither validated nor kept. */
  visibleIf?: Rule;
  /** FIM identifier and version when imported (`F60000000001`, `1.2.0`). */
  source?: { id: string; version?: string };
}

export interface FieldDefinition extends ItemBase {
  type: FieldType;
  /** Required for every type but `info`. */
  label?: LocalizedText;
  hint?: LocalizedText;
  /** `info` fields show this text and take no answer. */
  text?: LocalizedText;
  required?: boolean;
  /** Required only when the rule holds. */
  requiredIf?: Rule;
  constraints?: FieldConstraints;
  /** Inline choices, or the name of a form-level code list. */
  options?: ChoiceOption[];
  codeList?: string;
  default?: string | number | boolean | string[];
  validations?: Validation[];
  /** A field that may be answered several times (XDatenfelder cardinality `0:*`, `1:3`). */
  repeat?: Cardinality;
  /** Rules of the source (e.g. JavaScript in XDatenfelder) kept as documentation, never run. */
  notes?: string[];
}

export interface Cardinality {
  min: number;
  /** Omitted for "any number". */
  max?: number;
}

export interface GroupDefinition extends ItemBase {
  type: 'group';
  title: LocalizedText;
  description?: LocalizedText;
  /** A group answered several times (children, vehicles); its answer is a list of objects. */
  repeat?: Cardinality;
  items: FormItem[];
  notes?: string[];
}

export type FormItem = FieldDefinition | GroupDefinition;

export interface FormPage {
  id: string;
  title: LocalizedText;
  description?: LocalizedText;
  visibleIf?: Rule;
  items: FormItem[];
}

export interface FormDefinition {
  pages: FormPage[];
  codeLists?: Record<string, CodeList>;
}

export const isGroup = (item: FormItem): item is GroupDefinition => item.type === 'group';

/** Every item of the form, depth first, with the path of groups above it. */
export function* walkItems(
  items: FormItem[],
  parents: GroupDefinition[] = [],
): Generator<{ item: FormItem; parents: GroupDefinition[] }> {
  for (const item of items) {
    yield { item, parents };
    if (isGroup(item)) yield* walkItems(item.items, [...parents, item]);
  }
}
