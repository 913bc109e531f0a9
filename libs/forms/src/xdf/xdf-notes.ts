import type { XdfCodeListReference, XdfElement, XdfRule } from './xdf-model';

/**
 * Documentation kept from the source, in German like the source: descriptions, legal references,
 * rules (their scripts are shown, never run) and what the import had to approximate.
 */

const RULE_KINDS: Record<string, string> = {
  K: 'komplexe Regel',
  M: 'Multiplizität',
  V: 'Validierung',
  B: 'Berechnung',
};

/** Beschreibung, Definition and Bezug of a schema, group or field. */
export function elementNotes(element: XdfElement): string[] {
  return [
    ...(element.description ? [`Beschreibung: ${element.description}`] : []),
    ...(element.definition ? [`Definition: ${element.definition}`] : []),
    ...element.references.map((reference) => `Bezug: ${reference}`),
  ];
}

/** A rule as one note: identification, its text and its script. */
export function ruleNote(rule: XdfRule): string {
  const version = rule.version ? ` Version ${rule.version}` : '';
  const kind = rule.kind ? ` (${RULE_KINDS[rule.kind] ?? rule.kind})` : '';
  return [
    `Regel ${rule.id}${version} „${rule.name}“${kind}`,
    ...(rule.description ? [`Beschreibung: ${rule.description}`] : []),
    ...(rule.text ? [`Regeltext: ${rule.text}`] : []),
    ...(rule.script ? [`Skript (JavaScript, wird nicht ausgeführt):\n${rule.script}`] : []),
  ].join('\n');
}

/** Names the element a schema-level note is about: `F123 „Hinweis“`, plus its form id when that differs. */
export function noteSubject(element: XdfElement, formId?: string): string {
  const label = `${element.id} „${element.label ?? element.name}“`;
  return formId !== undefined && formId !== element.id ? `${label} (Formular-ID ${formId})` : label;
}

/** An external code list whose values are not in the document. */
export function codeListNote(reference: XdfCodeListReference, columns: Record<string, string | undefined>): string {
  const version = reference.version ? `, Version ${reference.version}` : '';
  const details = [reference.versionUri, reference.id].filter((part): part is string => Boolean(part));
  const columnNote = Object.entries(columns)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return [
    `Codeliste ${reference.uri}${version}${details.length ? ` (${details.join(', ')})` : ''}: `,
    'Die Werte stehen nicht im Dokument; das Feld wurde als Textfeld übernommen.',
    columnNote.length ? ` Spalten: ${columnNote.join(', ')}.` : '',
  ].join('');
}
