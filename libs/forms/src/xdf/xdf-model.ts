/**
 * What the importer reads from an XDatenfelder document, the same for 2.0 and 3.0.0: the version
 * differences end in the reader, the mapping to the form model sees only this.
 */

/** The XDatenfelder versions the importer reads. */
export type XdfStandard = '2.0' | '3.0.0';

/** A rule (Regel). Its script is JavaScript of the FIM tools; it is documentation here, never run. */
export interface XdfRule {
  id: string;
  version?: string;
  name: string;
  description?: string;
  /** The rule in words: v2 `definition`, v3 `freitextRegel`. */
  text?: string;
  /** v3 `typ` (K complex, M multiplicity, V validation, B calculation). */
  kind?: string;
  /** v2 `script`, v3 `skript`. */
  script?: string;
  path: string;
}

/** What schema, groups and fields share. */
export interface XdfElement {
  id: string;
  version?: string;
  name: string;
  /** `bezeichnungEingabe` (schema v3: `bezeichnung`): the label for the person filling in. */
  label?: string;
  /** `hilfetextEingabe` (schema: `hilfetext`). */
  help?: string;
  description?: string;
  definition?: string;
  /** Legal references (`bezug`). */
  references: string[];
  rules: XdfRule[];
  path: string;
}

/** One entry of a v3 value list (`werte/wert`). */
export interface XdfValue {
  code: string;
  name: string;
  help?: string;
  path: string;
}

/** A reference to an external (genericode) code list. */
export interface XdfCodeListReference {
  /** v2 `codelisteReferenz/identifikation/id` (C…). */
  id?: string;
  /** Canonical identification, e.g. `urn:de:dsmeld:schluesseltabelle:geschlecht`. */
  uri: string;
  version?: string;
  /** Canonical version URI, e.g. `urn:de:dsmeld:schluesseltabelle:geschlecht_1`. */
  versionUri?: string;
  path: string;
}

/** `praezisierung`: v2 a JSON object in text, v3 attributes; values as written. */
export interface XdfPrecision {
  values: Record<string, string>;
  /** v2 text that is not a JSON object, kept for the notes. */
  unparsed?: string;
  path: string;
}

/** A field (`datenfeld`). */
export interface XdfField extends XdfElement {
  kind: 'field';
  /** `feldart`: input, select, label, hidden (v3), locked (v3). */
  inputKind: string;
  /** `datentyp`: text, text_latin, date, time, datetime, bool, num, num_int, num_currency, file, obj. */
  dataType: string;
  precision?: XdfPrecision;
  /** `inhalt`: the text of a label, else a preset value. */
  content?: string;
  /** v3 `vorbefuellung`: keine, optional, verpflichtend. */
  prefill?: string;
  values?: XdfValue[];
  codeList?: XdfCodeListReference;
  /** v3 `codeKey`, `nameKey`, `helpKey`: columns of the code list to use. */
  columnKeys: { code?: string; name?: string; help?: string };
  /** v3 `maxSize` as written (bytes). */
  maxSize?: string;
  mediaTypes: string[];
}

/** A group (`datenfeldgruppe`) and its structure. */
export interface XdfGroup extends XdfElement {
  kind: 'group';
  /** v3 `art` X: a selection group, exactly one member is filled. */
  selection: boolean;
  children: XdfChild[];
}

/** An entry of `struktur`: an element and how often it occurs (`anzahl`). */
export interface XdfChild {
  element: XdfField | XdfGroup;
  min: number;
  /** Undefined for `*`. */
  max?: number;
  /** As written, e.g. `0:*`. */
  cardinality: string;
  path: string;
}

/** The imported schema: a Stammdatenschema, or the Datenfeldgruppe of a v3 group message. */
export interface XdfSchema extends XdfElement {
  standard: XdfStandard;
  /** A group message's root group can be a selection group. */
  selection: boolean;
  versionNote?: string;
  /** v3 `dokumentsteckbrief` id. */
  documentProfile?: string;
  children: XdfChild[];
}
