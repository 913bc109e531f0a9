import type { ChoiceOption, FieldDefinition, FieldType } from '../form.model';
import { mapConstraints, type ImpliedConstraints } from './constraint-mapping';
import type { MappingContext } from './mapping-context';
import { messages } from './xdf-messages';
import type { XdfChild, XdfElement, XdfField } from './xdf-model';
import { codeListNote, elementNotes, noteSubject, ruleNote } from './xdf-notes';

/** Text fields whose maxLength is at least this (more than 200 characters) become multi-line `longText`. */
export const LONG_TEXT_FROM = 201;
/** Inline value lists up to this size are shown as radio buttons, longer ones as a drop-down. */
export const RADIO_UP_TO = 5;

// The form model has no time types; these keep the answers in ISO 8601 form.
const TIME_PATTERN = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?';
const DATETIME_PATTERN = `[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T${TIME_PATTERN}`;
const yesNo = (): ChoiceOption[] => [
  { value: 'true', label: { de: 'Ja' } },
  { value: 'false', label: { de: 'Nein' } },
];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^[+-]?\d+(?:[.,]\d+)?$/;

type FieldChild = XdfChild & { element: XdfField };

/** Where the choices of a choice field come from. */
interface Choices {
  options?: ChoiceOption[];
  codeList?: string;
}

interface Shape {
  type: FieldType;
  choices?: Choices;
  implied?: ImpliedConstraints;
}

/**
 * Maps a FIM field (`datenfeld` with its `anzahl`) to a form field. `inSelection`: the field is a
 * member of a selection group, so it cannot be required on its own.
 */
export function mapField(child: FieldChild, inSelection: boolean, context: MappingContext): FieldDefinition {
  const field = child.element;
  const id = context.ids.take(field.id);
  const label = field.label ?? field.name;
  const notes = [...elementNotes(field), ...ruleNotes(field, id, context)];
  const shape = chooseShape(child, notes, context);
  const definition: FieldDefinition = { id, type: shape.type, label: { de: label } };
  if (field.help) definition.hint = { de: field.help };
  if (shape.type === 'info') definition.text = { de: field.content ?? label };
  else describeAnswer(definition, child, shape, inSelection, notes, context);
  markKind(definition, field, notes, context);
  definition.source = { id: field.id, ...(field.version ? { version: field.version } : {}) };
  if (notes.length > 0) definition.notes = notes;
  return definition;
}

/** Rules go to the item's notes and, naming the item, to the import's notes. */
export function ruleNotes(element: XdfElement, formId: string, context: MappingContext): string[] {
  return element.rules.map((rule) => {
    const note = ruleNote(rule);
    context.notes.push(`${noteSubject(element, formId)}: ${note}`);
    return note;
  });
}

/** required, repeat, constraints, choices and default of a field that takes an answer. */
function describeAnswer(
  definition: FieldDefinition,
  child: FieldChild,
  shape: Shape,
  inSelection: boolean,
  notes: string[],
  context: MappingContext,
): void {
  if (child.min >= 1 && !inSelection) definition.required = true;
  if (inSelection && child.min >= 1) notes.push('Pflichtfeld, sobald diese Alternative der Auswahlgruppe gewählt wird');
  const { choices } = shape;
  const constraints = mapConstraints(shape.type, child, shape.implied ?? {}, notes, context.findings);
  if (constraints) definition.constraints = constraints;
  if (choices?.options) definition.options = choices.options;
  if (choices?.codeList) definition.codeList = choices.codeList;
  const preset = child.element.content;
  if (preset !== undefined) {
    const value = defaultValue(shape.type, preset, choices);
    if (value === 'invalid') {
      context.findings.warn(child.element.path, messages.defaultIgnored(preset, shape.type));
      notes.push(`Inhalt im Original: ${preset}`);
    } else if (value !== 'none') definition.default = value.value;
  }
  // Checkboxes already are "several answers"; everything else repeats as a whole.
  if (shape.type !== 'checkboxes' && child.max !== 1) {
    definition.repeat = { min: child.min, ...(child.max !== undefined ? { max: child.max } : {}) };
  }
}

/** Field kinds the form model has no equivalent for, and prefill, become notes. */
function markKind(definition: FieldDefinition, field: XdfField, notes: string[], context: MappingContext): void {
  if (field.inputKind === 'hidden') {
    // Hidden values are set by the system, never by the applicant: invisible keeps them out of the form.
    definition.visibleIf = false;
    context.findings.warn(field.path, messages.hiddenField());
    notes.push('Verstecktes Feld (Feldart hidden): der Wert wird im Original vom System gesetzt');
  }
  if (field.inputKind === 'locked') {
    context.findings.warn(field.path, messages.lockedField());
    notes.push('Gesperrtes Feld (Feldart locked): im Original schreibgeschützt');
  }
  if (field.prefill && field.prefill !== 'keine') notes.push(`Vorbefüllung im Original: ${field.prefill}`);
}

/** The field type, from feldart, datentyp, value lists and cardinality. */
function chooseShape(child: FieldChild, notes: string[], context: MappingContext): Shape {
  const field = child.element;
  if (field.dataType === 'obj') {
    context.findings.warn(field.path, messages.staticObject());
    notes.push('Statisches Objekt (Datentyp obj) im Original');
  }
  if (field.inputKind === 'label' || field.dataType === 'obj') {
    if (child.max !== 1) context.findings.warn(child.path, messages.repeatIgnored(child.cardinality));
    return { type: 'info' };
  }
  const choices = findChoices(field, notes, context);
  if (choices) return { type: choiceType(child, choices), choices };
  if (field.inputKind === 'select') {
    // A drop-down without entries cannot be answered; free text keeps the field usable.
    if (!field.codeList) {
      context.findings.warn(field.path, messages.selectWithoutValues());
      notes.push('Auswahlfeld ohne Werte im Original; als Textfeld übernommen');
    }
    return { type: 'text' };
  }
  return shapeOfDataType(child, notes, context);
}

/** Several answers allowed: checkboxes; else radio buttons for short inline lists, a drop-down otherwise. */
function choiceType(child: FieldChild, choices: Choices): FieldType {
  if (child.max !== 1) return 'checkboxes';
  return choices.options && choices.options.length <= RADIO_UP_TO ? 'radio' : 'select';
}

/** Inline values (v3 `werte`), or a code list the caller supplied; an unknown code list gives none. */
function findChoices(field: XdfField, notes: string[], context: MappingContext): Choices | undefined {
  if (field.values && field.values.length > 0) {
    if (field.inputKind === 'input') context.findings.warn(field.path, messages.valuesOnInput(field.inputKind));
    for (const value of field.values) {
      if (value.help) notes.push(`Hilfe zu „${value.name}“ (${value.code}): ${value.help}`);
    }
    return { options: field.values.map((value) => ({ value: value.code, label: { de: value.name } })) };
  }
  if (!field.codeList) return undefined;
  const codeList = context.codeLists.resolve(field.codeList);
  if (codeList) return { codeList };
  context.findings.warn(field.codeList.path, messages.codeListUnresolved(field.codeList.uri));
  notes.push(codeListNote(field.codeList, field.columnKeys));
  return undefined;
}

function shapeOfDataType(child: FieldChild, notes: string[], context: MappingContext): Shape {
  const field = child.element;
  switch (field.dataType) {
    case 'date':
      return { type: 'date' };
    case 'time':
    case 'datetime':
      context.findings.warn(field.path, messages.timeAsText(field.dataType));
      notes.push(
        field.dataType === 'time'
          ? 'Uhrzeit (Datentyp time) im Original; Antwort als hh:mm[:ss]'
          : 'Zeitpunkt (Datentyp datetime) im Original; Antwort als JJJJ-MM-TTThh:mm[:ss]',
      );
      return { type: 'text', implied: { pattern: field.dataType === 'time' ? TIME_PATTERN : DATETIME_PATTERN } };
    case 'bool':
      return boolShape(child, notes);
    case 'num':
      return { type: 'number' };
    case 'num_int':
      return { type: 'number', implied: { decimals: 0 } };
    case 'num_currency':
      return { type: 'number', implied: { decimals: 2 } };
    case 'file':
      return { type: 'file' };
    case 'text_latin':
      notes.push('Zeichensatz im Original: String.Latin+ (DIN SPEC 91379)');
      return textShape(field);
    default:
      return textShape(field);
  }
}

/**
 * An optional truth value is one checkbox (unticked means no). A required one must be answered,
 * with yes or no: as a checkbox it would have to be ticked, and a "no" could not be given.
 */
function boolShape(child: FieldChild, notes: string[]): Shape {
  if (child.min === 0) return { type: 'consent' };
  notes.push('Wahrheitswert (Datentyp bool) als Ja/Nein-Auswahl; soll nur Zustimmung möglich sein, Typ consent wählen');
  return { type: 'radio', choices: { options: yesNo() } };
}

function textShape(field: XdfField): Shape {
  const maxLength = Number(field.precision?.values.maxLength);
  return { type: Number.isInteger(maxLength) && maxLength >= LONG_TEXT_FROM ? 'longText' : 'text' };
}

/** A preset: a value, nothing to preset (an unticked checkbox), or a content that does not fit the type. */
type Preset = { value: NonNullable<FieldDefinition['default']> } | 'none' | 'invalid';

/** `inhalt` of an answerable field is its preset value. */
function defaultValue(type: FieldType, preset: string, choices?: Choices): Preset {
  const isOption = !choices?.options || choices.options.some((option) => option.value === preset);
  const checked = (valid: boolean, value: NonNullable<FieldDefinition['default']> = preset): Preset =>
    valid ? { value } : 'invalid';
  switch (type) {
    case 'number':
      return checked(DECIMAL.test(preset), Number(preset.replace(',', '.')));
    case 'date':
      return checked(ISO_DATE.test(preset));
    case 'consent':
      return preset === 'false' || preset === '0' ? 'none' : checked(preset === 'true' || preset === '1', true);
    case 'select':
    case 'radio':
      return checked(isOption);
    case 'checkboxes':
      return checked(isOption, [preset]);
    case 'file':
      return 'invalid';
    default:
      return { value: preset };
  }
}
