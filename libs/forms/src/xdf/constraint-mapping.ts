import type { FieldConstraints, FieldType } from '../form.model';
import type { Findings, XdfReason } from './xdf-fault';
import { messages } from './xdf-messages';
import type { XdfChild, XdfField } from './xdf-model';

const TEXT_TYPES: readonly FieldType[] = ['text', 'longText'];
const WHOLE_NUMBER = /^\d+$/;
const DECIMAL = /^[+-]?\d+(?:[.,]\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the field type already implies, before `praezisierung` is read. */
export interface ImpliedConstraints {
  decimals?: number;
  pattern?: string;
}

/**
 * Turns `praezisierung`, `maxSize`/`mediaType` and, for checkboxes, the cardinality into
 * {@link FieldConstraints} that fit the chosen field type. What does not fit (a length on a number,
 * a range on a text) or is not valid is left out with a warning and kept as a note.
 */
export function mapConstraints(
  type: FieldType,
  child: XdfChild & { element: XdfField },
  implied: ImpliedConstraints,
  notes: string[],
  findings: Findings,
): FieldConstraints | undefined {
  const field = child.element;
  const constraints: FieldConstraints = { ...implied };
  const drop: Drop = (key, value, path, reason) => {
    findings.warn(path, reason);
    notes.push(`Präzisierung ${key}=${value} nicht übernommen`);
  };
  const precisionPath = field.precision?.path ?? field.path;
  if (field.precision?.unparsed) notes.push(`Präzisierung (nicht auswertbar): ${field.precision.unparsed}`);
  for (const [key, value] of Object.entries(field.precision?.values ?? {})) {
    const outcome = applyPrecision(constraints, type, key, value);
    if (outcome !== 'applied') drop(key, value, precisionPath, outcome);
  }
  applyFileLimits(constraints, type, field, drop);
  if (type === 'checkboxes') {
    if (child.min > 1) constraints.minItems = child.min;
    if (child.max !== undefined) constraints.maxItems = child.max;
  }
  return Object.keys(constraints).length > 0 ? constraints : undefined;
}

type Drop = (key: string, value: string, path: string, reason: XdfReason) => void;

/** Applies one `praezisierung` entry, or says why it cannot be applied. */
function applyPrecision(
  constraints: FieldConstraints,
  type: FieldType,
  key: string,
  value: string,
): 'applied' | XdfReason {
  const notApplicable = messages.precisionNotApplicable(key, value, type);
  const invalid = messages.invalidPrecisionValue(key, value);
  switch (key) {
    case 'minLength':
    case 'maxLength':
      if (!TEXT_TYPES.includes(type)) return notApplicable;
      if (!WHOLE_NUMBER.test(value)) return invalid;
      constraints[key] = Number(value);
      return 'applied';
    case 'pattern': {
      if (!TEXT_TYPES.includes(type)) return notApplicable;
      const problem = patternProblem(value);
      if (problem !== undefined) return messages.invalidPattern(value, problem);
      constraints.pattern = value;
      return 'applied';
    }
    case 'minValue':
    case 'maxValue': {
      const applied = applyRange(constraints, type, key === 'minValue' ? 'min' : 'max', value);
      return applied === 'applied' ? applied : applied === 'invalid' ? invalid : notApplicable;
    }
    default:
      return notApplicable;
  }
}

/** minValue/maxValue: numbers for number fields, ISO dates for date fields. */
function applyRange(
  constraints: FieldConstraints,
  type: FieldType,
  bound: 'min' | 'max',
  value: string,
): 'applied' | 'invalid' | 'notApplicable' {
  if (type === 'number') {
    if (!DECIMAL.test(value)) return 'invalid';
    constraints[bound] = Number(value.replace(',', '.'));
    return 'applied';
  }
  if (type === 'date') {
    if (!ISO_DATE.test(value)) return 'invalid';
    constraints[bound === 'min' ? 'minDate' : 'maxDate'] = value;
    return 'applied';
  }
  return 'notApplicable';
}

/**
 * XDatenfelder patterns are XML Schema regular expressions, implicitly anchored like ours. Most are
 * also valid JavaScript in Unicode mode, as the platform runs patterns; the rest (`\i`, `\c`, class
 * subtraction, needless escapes such as `\-`) the portal could not check.
 */
function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid';
  }
}

/** `maxSize` (bytes) and `mediaType` are v3 elements of their own and only mean something for files. */
function applyFileLimits(constraints: FieldConstraints, type: FieldType, field: XdfField, drop: Drop): void {
  const { maxSize, mediaTypes } = field;
  if (maxSize !== undefined) {
    const problem =
      type !== 'file'
        ? messages.precisionNotApplicable('maxSize', maxSize, type)
        : WHOLE_NUMBER.test(maxSize)
          ? undefined
          : messages.invalidPrecisionValue('maxSize', maxSize);
    if (problem) drop('maxSize', maxSize, `${field.path}/maxSize`, problem);
    else constraints.maxSize = Number(maxSize);
  }
  if (mediaTypes.length > 0) {
    const listed = mediaTypes.join(', ');
    const path = `${field.path}/mediaType`;
    if (type === 'file') constraints.mediaTypes = [...mediaTypes];
    else drop('mediaType', listed, path, messages.precisionNotApplicable('mediaType', listed, type));
  }
}
