import type { XdfReason } from './xdf-fault';

/**
 * Every reason the importer can give, in English and German, in one place so the wording stays
 * consistent. German quotes („…“) as in the FIM documents.
 */
export const messages = {
  // --- document level -------------------------------------------------------------------------
  noDocument: (): XdfReason => ({
    en: 'The document is empty or not text',
    de: 'Das Dokument ist leer oder kein Text',
  }),
  doctype: (): XdfReason => ({
    en: 'A DOCTYPE declaration is not allowed in XDatenfelder documents',
    de: 'Eine DOCTYPE-Deklaration ist in XDatenfelder-Dokumenten nicht erlaubt',
  }),
  notWellFormed: (detail: string, line?: number, column?: number): XdfReason => {
    const where =
      line === undefined ? '' : column === undefined ? ` (line ${line})` : ` (line ${line}, column ${column})`;
    const wo =
      line === undefined ? '' : column === undefined ? ` (Zeile ${line})` : ` (Zeile ${line}, Spalte ${column})`;
    return { en: `Not well-formed XML${where}: ${detail}`, de: `Kein wohlgeformtes XML${wo}: ${detail}` };
  },
  oneRoot: (count: number): XdfReason => ({
    en: `An XML document has exactly one root element, found ${count}`,
    de: `Ein XML-Dokument hat genau ein Wurzelelement, gefunden: ${count}`,
  }),
  textOutsideRoot: (): XdfReason => ({
    en: 'Text outside the root element',
    de: 'Text außerhalb des Wurzelelements',
  }),
  unknownEntity: (reference: string): XdfReason => ({
    en: `Unknown entity reference "${reference}" (only &amp; &lt; &gt; &quot; &apos; and character references)`,
    de: `Unbekannte Entity-Referenz „${reference}“ (erlaubt sind &amp; &lt; &gt; &quot; &apos; und Zeichenreferenzen)`,
  }),
  undeclaredPrefix: (prefix: string): XdfReason => ({
    en: `Namespace prefix "${prefix}" is not declared`,
    de: `Namensraum-Präfix „${prefix}“ ist nicht deklariert`,
  }),

  // --- message type ----------------------------------------------------------------------------
  unknownNamespace: (namespace: string | undefined, expected: string[]): XdfReason => ({
    en: `Unknown namespace ${namespace === undefined ? '(none)' : `"${namespace}"`}; expected ${expected.join(' or ')}`,
    de: `Unbekannter Namensraum ${namespace === undefined ? '(keiner)' : `„${namespace}“`}; erwartet: ${expected.join(' oder ')}`,
  }),
  unsupportedMessage: (root: string, standard: string, expected: string[]): XdfReason => ({
    en: `"${root}" is not a supported XDatenfelder ${standard} message; expected ${expected.join(' or ')}`,
    de: `„${root}“ ist keine unterstützte Nachricht von XDatenfelder ${standard}; erwartet: ${expected.join(' oder ')}`,
  }),

  // --- structure -------------------------------------------------------------------------------
  unexpectedElement: (name: string, parent: string): XdfReason => ({
    en: `Unexpected element "${name}" in "${parent}"`,
    de: `Unerwartetes Element „${name}“ in „${parent}“`,
  }),
  duplicateElement: (name: string): XdfReason => ({
    en: `"${name}" appears more than once; at most one is allowed`,
    de: `„${name}“ kommt mehrfach vor; erlaubt ist höchstens eines`,
  }),
  missingElement: (name: string): XdfReason => ({
    en: `Required element "${name}" is missing`,
    de: `Pflichtelement „${name}“ fehlt`,
  }),
  emptyElement: (name: string): XdfReason => ({
    en: `"${name}" must not be empty`,
    de: `„${name}“ darf nicht leer sein`,
  }),
  textIgnored: (name: string): XdfReason => ({
    en: `Text inside "${name}" is not part of the standard and was ignored`,
    de: `Text in „${name}“ ist im Standard nicht vorgesehen und wurde ignoriert`,
  }),

  // --- values ----------------------------------------------------------------------------------
  invalidCode: (list: string, value: string, allowed: readonly string[]): XdfReason => ({
    en: `Invalid ${list} "${value}"; allowed: ${allowed.join(', ')}`,
    de: `Ungültiger Wert „${value}“ für ${list}; erlaubt: ${allowed.join(', ')}`,
  }),
  invalidCardinality: (value: string): XdfReason => ({
    en: `Invalid cardinality "${value}"; expected "min:max" with max a number or "*" (e.g. 0:1, 1:1, 0:*, 1:3)`,
    de: `Ungültige Multiplizität „${value}“; erwartet „min:max“, max eine Zahl oder „*“ (z. B. 0:1, 1:1, 0:*, 1:3)`,
  }),
  cardinalityOrder: (value: string): XdfReason => ({
    en: `Invalid cardinality "${value}": the maximum must be at least 1 and not below the minimum`,
    de: `Ungültige Multiplizität „${value}“: das Maximum muss mindestens 1 und nicht kleiner als das Minimum sein`,
  }),
  duplicateValueCode: (code: string): XdfReason => ({
    en: `The code "${code}" appears more than once in the value list`,
    de: `Der Code „${code}“ kommt in der Werteliste mehrfach vor`,
  }),
  duplicateValueName: (name: string): XdfReason => ({
    en: `The name "${name}" appears more than once in the value list`,
    de: `Der Name „${name}“ kommt in der Werteliste mehrfach vor`,
  }),

  // --- approximations (warnings) ---------------------------------------------------------------
  invalidPrecision: (raw: string): XdfReason => ({
    en: `praezisierung is not a JSON object and was kept only as a note: ${raw}`,
    de: `praezisierung ist kein JSON-Objekt und wurde nur als Notiz übernommen: ${raw}`,
  }),
  precisionNotApplicable: (key: string, value: string, type: string): XdfReason => ({
    en: `praezisierung ${key}="${value}" does not apply to a field of type ${type}; kept as a note`,
    de: `praezisierung ${key}="${value}" passt nicht zu einem Feld vom Typ ${type}; als Notiz übernommen`,
  }),
  invalidPrecisionValue: (key: string, value: string): XdfReason => ({
    en: `praezisierung ${key}="${value}" is not a valid value; kept as a note`,
    de: `praezisierung ${key}="${value}" ist kein gültiger Wert; als Notiz übernommen`,
  }),
  invalidPattern: (pattern: string, detail: string): XdfReason => ({
    en: `The pattern "${pattern}" cannot be used as a regular expression (${detail}); kept as a note`,
    de: `Das Muster „${pattern}“ ist als regulärer Ausdruck nicht verwendbar (${detail}); als Notiz übernommen`,
  }),
  codeListUnresolved: (uri: string): XdfReason => ({
    en: `The values of the external code list ${uri} are not part of the document; imported as a text field`,
    de: `Die Werte der externen Codeliste ${uri} sind nicht im Dokument enthalten; als Textfeld übernommen`,
  }),
  selectWithoutValues: (): XdfReason => ({
    en: 'A selection field without a value list or code list; imported as a text field',
    de: 'Auswahlfeld ohne Werte- oder Codeliste; als Textfeld übernommen',
  }),
  valuesOnInput: (kind: string): XdfReason => ({
    en: `A value list on a field of kind "${kind}" (expected "select"); imported as a choice`,
    de: `Werteliste an einem Feld der Feldart „${kind}“ (erwartet „select“); als Auswahl übernommen`,
  }),
  hiddenField: (): XdfReason => ({
    en: 'Hidden field (feldart hidden): the form model has no hidden values; imported as an invisible field',
    de: 'Verstecktes Feld (Feldart hidden): das Formularmodell kennt keine versteckten Werte; als unsichtbares Feld übernommen',
  }),
  lockedField: (): XdfReason => ({
    en: 'Read-only field (feldart locked): the form model has no read-only fields; imported as an editable field',
    de: 'Gesperrtes Feld (Feldart locked): das Formularmodell kennt keine schreibgeschützten Felder; als bearbeitbares Feld übernommen',
  }),
  staticObject: (): XdfReason => ({
    en: 'Static object (datentyp obj) cannot be shown; imported as an info text',
    de: 'Statisches Objekt (Datentyp obj) kann nicht dargestellt werden; als Infotext übernommen',
  }),
  timeAsText: (dataType: string): XdfReason => ({
    en: `The form model has no type for "${dataType}"; imported as a text field with a pattern`,
    de: `Das Formularmodell kennt keinen Typ für „${dataType}“; als Textfeld mit Muster übernommen`,
  }),
  choiceGroup: (): XdfReason => ({
    en: 'Selection group (art X: exactly one sub-element is filled) cannot be expressed; members are imported as optional',
    de: 'Auswahlgruppe (Art X: genau ein Unterelement wird befüllt) ist nicht abbildbar; die Mitglieder wurden optional übernommen',
  }),
  unknownGroupKind: (code: string): XdfReason => ({
    en: `Unknown group kind "${code}" (only X, selection group, is known); ignored`,
    de: `Unbekannte Art der Feldgruppe „${code}“ (bekannt ist nur X, Auswahlgruppe); ignoriert`,
  }),
  defaultIgnored: (value: string, type: string): XdfReason => ({
    en: `The content "${value}" is not a valid default for a field of type ${type}; kept as a note`,
    de: `Der Inhalt „${value}“ ist kein gültiger Vorgabewert für ein Feld vom Typ ${type}; als Notiz übernommen`,
  }),
  repeatIgnored: (cardinality: string): XdfReason => ({
    en: `An info text cannot repeat; cardinality ${cardinality} ignored`,
    de: `Ein Infotext kann sich nicht wiederholen; Multiplizität ${cardinality} ignoriert`,
  }),
  emptyGroup: (): XdfReason => ({
    en: 'The group has no sub-elements',
    de: 'Die Feldgruppe hat keine Unterelemente',
  }),
  noFields: (): XdfReason => ({
    en: 'The schema has no structure; the form has no pages',
    de: 'Das Schema hat keine Struktur; das Formular hat keine Seiten',
  }),
};
