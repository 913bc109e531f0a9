import type { Findings } from './xdf-fault';
import { checkStructure, V2_GRAMMAR, V3_GRAMMAR } from './xdf-grammar';
import { messages } from './xdf-messages';
import type {
  XdfChild,
  XdfCodeListReference,
  XdfElement,
  XdfField,
  XdfGroup,
  XdfPrecision,
  XdfRule,
  XdfSchema,
  XdfStandard,
  XdfValue,
} from './xdf-model';
import type { XmlElement } from './xml-tree';

/** The namespace of each supported version. */
export const XDF_NAMESPACES: Readonly<Record<XdfStandard, string>> = {
  '2.0': 'urn:xoev-de:fim:standard:xdatenfelder_2',
  '3.0.0': 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0',
};

/** The message types the importer reads, per version. */
const MESSAGE_TYPES: Readonly<Record<XdfStandard, readonly string[]>> = {
  '2.0': ['xdatenfelder.stammdatenschema.0102'],
  '3.0.0': ['xdatenfelder.stammdatenschema.0102', 'xdatenfelder.datenfeldgruppe.0103'],
};

/** Values of the code lists the import depends on or that the standard fixes (XRepository). */
const CODES = {
  status: ['inVorbereitung', 'aktiv', 'inaktiv'],
  freigabestatus: ['1', '2', '3', '4', '5', '6', '7', '8'],
  vorbefuellung: ['keine', 'optional', 'verpflichtend'],
  feldart: {
    '2.0': ['input', 'select', 'label'],
    '3.0.0': ['input', 'select', 'label', 'hidden', 'locked'],
  },
  datentyp: {
    '2.0': ['text', 'date', 'bool', 'num', 'num_int', 'num_currency', 'file', 'obj'],
    '3.0.0': [
      'text',
      'text_latin',
      'date',
      'time',
      'datetime',
      'bool',
      'num',
      'num_int',
      'num_currency',
      'file',
      'obj',
    ],
  },
} as const;

const CARDINALITY = /^(\d+):(\d+|\*)$/;

/**
 * Reads an XDatenfelder message into the version-neutral {@link XdfSchema}. Faults (unknown
 * namespace or message, structure, invalid codes and cardinalities) go to `findings`; then the
 * result is undefined.
 */
export function readXdf(root: XmlElement, findings: Findings): XdfSchema | undefined {
  const standard = detectStandard(root, findings);
  if (!standard) return undefined;
  const namespace = XDF_NAMESPACES[standard];
  checkStructure(root, root.local, standard === '2.0' ? V2_GRAMMAR : V3_GRAMMAR, namespace, findings);
  // Reading a structurally broken tree would only add faults that follow from the first ones.
  if (findings.failed) return undefined;
  const schema = new XdfReader(standard, findings).message(root);
  return findings.failed ? undefined : schema;
}

function detectStandard(root: XmlElement, findings: Findings): XdfStandard | undefined {
  const standards = Object.keys(XDF_NAMESPACES) as XdfStandard[];
  const standard = standards.find((candidate) => XDF_NAMESPACES[candidate] === root.ns);
  if (!standard) {
    findings.fault(root.path, messages.unknownNamespace(root.ns, Object.values(XDF_NAMESPACES)));
    return undefined;
  }
  if (!MESSAGE_TYPES[standard].includes(root.local)) {
    findings.fault(root.path, messages.unsupportedMessage(root.local, standard, [...MESSAGE_TYPES[standard]]));
    return undefined;
  }
  return standard;
}

/** Reads one message of a known version whose structure has been checked. */
class XdfReader {
  constructor(
    private readonly standard: XdfStandard,
    private readonly findings: Findings,
  ) {}

  message(root: XmlElement): XdfSchema {
    const schema = child(root, 'stammdatenschema');
    if (schema) return this.schema(schema);
    // A v3 group message: its one group is the schema.
    const group = child(root, 'datenfeldgruppe') ?? root;
    return {
      ...this.element(group),
      ...this.groupParts(group),
      standard: this.standard,
      versionNote: text(group, 'versionshinweis'),
    };
  }

  private schema(element: XmlElement): XdfSchema {
    const v2 = this.standard === '2.0';
    return {
      ...this.element(element),
      standard: this.standard,
      label: text(element, v2 ? 'bezeichnungEingabe' : 'bezeichnung'),
      help: text(element, 'hilfetext'),
      selection: false,
      versionNote: text(element, 'versionshinweis'),
      documentProfile: text(child(element, 'dokumentsteckbrief'), 'id'),
      children: this.structure(element),
    };
  }

  private group(element: XmlElement): XdfGroup {
    return { ...this.element(element), ...this.groupParts(element), kind: 'group' };
  }

  private groupParts(element: XmlElement) {
    return {
      label: text(element, 'bezeichnungEingabe'),
      help: text(element, 'hilfetextEingabe'),
      selection: this.selection(element),
      children: this.structure(element),
    };
  }

  /** v3 `art`: only X (selection group) is defined; anything else is ignored with a warning. */
  private selection(element: XmlElement): boolean {
    const art = code(element, 'art');
    if (art !== undefined && art.value !== 'X') this.findings.warn(art.path, messages.unknownGroupKind(art.value));
    return art?.value === 'X';
  }

  private field(element: XmlElement): XdfField {
    const v3 = this.standard === '3.0.0';
    return {
      ...this.element(element),
      kind: 'field',
      label: text(element, 'bezeichnungEingabe'),
      help: text(element, 'hilfetextEingabe'),
      inputKind: this.checkedCode(element, 'feldart', CODES.feldart[this.standard]) ?? '',
      dataType: this.checkedCode(element, 'datentyp', CODES.datentyp[this.standard]) ?? '',
      precision: v3 ? precisionFromAttributes(child(element, 'praezisierung')) : this.precisionFromJson(element),
      content: text(element, 'inhalt'),
      prefill: v3 ? this.checkedCode(element, 'vorbefuellung', CODES.vorbefuellung) : undefined,
      values: this.values(child(element, 'werte')),
      codeList: this.codeList(child(element, 'codelisteReferenz')),
      columnKeys: { code: text(element, 'codeKey'), name: text(element, 'nameKey'), help: text(element, 'helpKey') },
      maxSize: text(element, 'maxSize'),
      mediaTypes: texts(element, 'mediaType'),
    };
  }

  /** What schema, groups and fields share; also checks their status code. */
  private element(element: XmlElement): XdfElement {
    if (this.standard === '2.0') this.checkedCode(element, 'status', CODES.status);
    else this.checkedCode(element, 'freigabestatus', CODES.freigabestatus);
    const identification = child(element, 'identifikation');
    return {
      id: text(identification, 'id') ?? '',
      version: text(identification, 'version'),
      name: text(element, 'name') ?? '',
      description: text(element, 'beschreibung'),
      definition: text(element, 'definition'),
      references: texts(element, 'bezug'),
      rules: children(element, 'regel').map((rule) => this.rule(rule)),
      path: element.path,
    };
  }

  private rule(element: XmlElement): XdfRule {
    const v2 = this.standard === '2.0';
    if (v2) this.checkedCode(element, 'status', CODES.status);
    const identification = child(element, 'identifikation');
    return {
      id: text(identification, 'id') ?? '',
      version: text(identification, 'version'),
      name: text(element, 'name') ?? '',
      description: text(element, 'beschreibung'),
      text: text(element, v2 ? 'definition' : 'freitextRegel'),
      kind: code(element, 'typ')?.value,
      script: text(element, v2 ? 'script' : 'skript'),
      path: element.path,
    };
  }

  private structure(element: XmlElement): XdfChild[] {
    return children(element, 'struktur').flatMap((entry) => {
      const contained = child(entry, 'enthaelt');
      const field = child(contained, 'datenfeld');
      const group = child(contained, 'datenfeldgruppe');
      const cardinality = this.cardinality(child(entry, 'anzahl'));
      const member = field ? this.field(field) : group ? this.group(group) : undefined;
      return member && cardinality ? [{ element: member, ...cardinality, path: entry.path }] : [];
    });
  }

  /** `anzahl` is `min:max`, max a number or `*`; `0:0` and max below min are meaningless. */
  private cardinality(element: XmlElement | undefined) {
    if (!element) return undefined;
    const written = element.text.trim();
    const match = CARDINALITY.exec(written);
    if (!match) {
      this.findings.fault(element.path, messages.invalidCardinality(written));
      return undefined;
    }
    const min = Number(match[1]);
    const max = match[2] === '*' ? undefined : Number(match[2]);
    if (max !== undefined && (max < 1 || max < min)) {
      this.findings.fault(element.path, messages.cardinalityOrder(written));
      return undefined;
    }
    return { min, max, cardinality: written };
  }

  /** v2 `praezisierung` holds a JSON object as text, e.g. `{"minLength":"1","maxLength":"50"}`. */
  private precisionFromJson(element: XmlElement): XdfPrecision | undefined {
    const source = child(element, 'praezisierung');
    const raw = source?.text.trim();
    if (!source || !raw) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.findings.warn(source.path, messages.invalidPrecision(raw));
      return { values: {}, unparsed: raw, path: source.path };
    }
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number') values[key] = String(value);
      else this.findings.warn(source.path, messages.invalidPrecisionValue(key, JSON.stringify(value)));
    }
    return { values, path: source.path };
  }

  /** v3 `werte`: codes must be unique (they are the answers); equal names only confuse. */
  private values(element: XmlElement | undefined): XdfValue[] | undefined {
    if (!element) return undefined;
    const codes = new Set<string>();
    const names = new Set<string>();
    return children(element, 'wert').map((entry) => {
      const value: XdfValue = {
        code: text(entry, 'code') ?? '',
        name: text(entry, 'name') ?? '',
        help: text(entry, 'hilfe'),
        path: entry.path,
      };
      if (codes.has(value.code)) this.findings.fault(`${entry.path}/code`, messages.duplicateValueCode(value.code));
      else if (names.has(value.name)) this.findings.warn(`${entry.path}/name`, messages.duplicateValueName(value.name));
      codes.add(value.code);
      names.add(value.name);
      return value;
    });
  }

  private codeList(element: XmlElement | undefined): XdfCodeListReference | undefined {
    if (!element) return undefined;
    // v2 nests the genericode identification and adds an id of its own; v3 has the genericode parts directly.
    const genericode = this.standard === '2.0' ? child(element, 'genericodeIdentification') : element;
    return {
      id: text(child(element, 'identifikation'), 'id'),
      uri: text(genericode, 'canonicalIdentification') ?? '',
      version: text(genericode, 'version'),
      versionUri: text(genericode, 'canonicalVersionUri'),
      path: element.path,
    };
  }

  /** The code of a code-typed child, a fault when it is not one of `allowed`. */
  private checkedCode(element: XmlElement, name: string, allowed: readonly string[]): string | undefined {
    const found = code(element, name);
    if (found && !allowed.includes(found.value)) {
      this.findings.fault(found.path, messages.invalidCode(name, found.value, allowed));
      return undefined;
    }
    return found?.value;
  }
}

/** v3 `praezisierung`: minLength, maxLength, minValue, maxValue, pattern as attributes. */
function precisionFromAttributes(element: XmlElement | undefined): XdfPrecision | undefined {
  if (!element) return undefined;
  // Qualified attributes (xsi:…) belong to other vocabularies.
  const values = Object.fromEntries(Object.entries(element.attrs).filter(([name]) => !name.includes(':')));
  return { values, path: element.path };
}

function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.local === name);
}

function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((candidate) => candidate.local === name) ?? [];
}

/** Trimmed text of a child; undefined when absent or blank (empty elements mean "not given"). */
function text(element: XmlElement | undefined, name: string): string | undefined {
  const value = child(element, name)?.text.trim();
  return value ? value : undefined;
}

function texts(element: XmlElement | undefined, name: string): string[] {
  return children(element, name).flatMap((entry) => {
    const value = entry.text.trim();
    return value ? [value] : [];
  });
}

/** The value of an XÖV code child (`<feldart><code>input</code></feldart>`) and where it is. */
function code(element: XmlElement, name: string): { value: string; path: string } | undefined {
  const holder = child(element, name);
  const value = child(holder, 'code');
  return holder && value ? { value: value.text.trim(), path: value.path } : undefined;
}
