import type { Findings } from './xdf-fault';
import { messages } from './xdf-messages';
import type { XmlElement } from './xml-tree';

/** How often a child may occur: exactly once, at most once, any number of times. */
type Occurs = 'one' | 'optional' | 'many';

/** What an element may contain. */
type Content =
  /** Child elements of the standard's namespace, each with its occurrence and content type. */
  | { kind: 'complex'; children: Record<string, readonly [Occurs, string]>; exactlyOneOf?: readonly string[] }
  /** Character data only. */
  | { kind: 'text' }
  /** An XÖV code: an unqualified `<code>` and optionally `<name>`. */
  | { kind: 'code' }
  /** Attributes only. */
  | { kind: 'empty' }
  /** Not inspected: parts of the standard the importer does not use (rule parameters, targets). */
  | { kind: 'any' };

/** The content model of one XDatenfelder version, by content type name. */
export type Grammar = Readonly<Record<string, Content>>;

const one = (type = 'text') => ['one', type] as const;
const optional = (type = 'text') => ['optional', type] as const;
const many = (type = 'text') => ['many', type] as const;

// --- XDatenfelder 2.0 ----------------------------------------------------------------------------

const V2_BASE = {
  identifikation: one('identifikation'),
  name: one(),
  bezeichnungEingabe: optional(),
  bezeichnungAusgabe: optional(),
  beschreibung: optional(),
  definition: optional(),
  bezug: optional(),
  status: optional('code'),
  gueltigAb: optional(),
  gueltigBis: optional(),
  fachlicherErsteller: optional(),
  versionshinweis: optional(),
  freigabedatum: optional(),
  veroeffentlichungsdatum: optional(),
};
const V2_ELEMENT = {
  ...V2_BASE,
  schemaelementart: optional('code'),
  hilfetextEingabe: optional(),
  hilfetextAusgabe: optional(),
};

/** Content model of XDatenfelder 2.0 (`urn:xoev-de:fim:standard:xdatenfelder_2`). */
export const V2_GRAMMAR: Grammar = {
  'xdatenfelder.stammdatenschema.0102': {
    kind: 'complex',
    children: { header: optional('header'), stammdatenschema: one('stammdatenschema') },
  },
  header: {
    kind: 'complex',
    children: { nachrichtID: optional(), erstellungszeitpunkt: optional(), referenzID: optional() },
  },
  stammdatenschema: {
    kind: 'complex',
    children: {
      ...V2_BASE,
      hilfetext: optional(),
      ableitungsmodifikationenStruktur: optional('code'),
      ableitungsmodifikationenRepraesentation: optional('code'),
      regel: many('regel'),
      struktur: many('struktur'),
    },
  },
  datenfeldgruppe: {
    kind: 'complex',
    children: { ...V2_ELEMENT, regel: many('regel'), struktur: many('struktur') },
  },
  datenfeld: {
    kind: 'complex',
    children: {
      ...V2_ELEMENT,
      feldart: one('code'),
      datentyp: one('code'),
      praezisierung: optional(),
      inhalt: optional(),
      codelisteReferenz: optional('codelisteReferenz'),
      regel: many('regel'),
    },
  },
  regel: { kind: 'complex', children: { ...V2_BASE, script: optional() } },
  struktur: {
    kind: 'complex',
    children: { anzahl: one(), bezug: optional(), enthaelt: one('enthaelt') },
  },
  enthaelt: {
    kind: 'complex',
    children: { datenfeld: optional('datenfeld'), datenfeldgruppe: optional('datenfeldgruppe') },
    exactlyOneOf: ['datenfeld', 'datenfeldgruppe'],
  },
  identifikation: { kind: 'complex', children: { id: one(), version: optional() } },
  codelisteReferenz: {
    kind: 'complex',
    children: { identifikation: one('identifikation'), genericodeIdentification: one('genericodeIdentification') },
  },
  genericodeIdentification: {
    kind: 'complex',
    children: { canonicalIdentification: one(), version: optional(), canonicalVersionUri: optional() },
  },
  text: { kind: 'text' },
  code: { kind: 'code' },
};

// --- XDatenfelder 3.0.0 --------------------------------------------------------------------------

const V3_BASE = {
  identifikation: one('identifikation'),
  name: one(),
  beschreibung: optional(),
  definition: optional(),
  bezug: many(),
  freigabestatus: optional('code'),
  statusGesetztAm: optional(),
  statusGesetztDurch: optional(),
  gueltigAb: optional(),
  gueltigBis: optional(),
  versionshinweis: optional(),
  veroeffentlichungsdatum: optional(),
  letzteAenderung: optional(),
  relation: many('relation'),
  stichwort: many(),
};
const V3_ELEMENT = {
  ...V3_BASE,
  bezeichnungEingabe: optional(),
  bezeichnungAusgabe: optional(),
  schemaelementart: optional('code'),
  hilfetextEingabe: optional(),
  hilfetextAusgabe: optional(),
};

/** Content model of XDatenfelder 3.0.0 (`urn:xoev-de:fim:standard:xdatenfelder_3.0.0`). */
export const V3_GRAMMAR: Grammar = {
  'xdatenfelder.stammdatenschema.0102': {
    kind: 'complex',
    children: { header: optional('header'), stammdatenschema: one('stammdatenschema') },
  },
  'xdatenfelder.datenfeldgruppe.0103': {
    kind: 'complex',
    children: { header: optional('header'), datenfeldgruppe: one('datenfeldgruppe') },
  },
  header: {
    kind: 'complex',
    children: { nachrichtID: optional(), erstellungszeitpunkt: optional(), referenzID: optional() },
  },
  stammdatenschema: {
    kind: 'complex',
    children: {
      ...V3_BASE,
      bezeichnung: optional(),
      hilfetext: optional(),
      ableitungsmodifikationenStruktur: optional('code'),
      ableitungsmodifikationenRepraesentation: optional('code'),
      dokumentsteckbrief: optional('identifikation'),
      regel: many('regel'),
      struktur: many('struktur'),
    },
  },
  datenfeldgruppe: {
    kind: 'complex',
    children: { ...V3_ELEMENT, art: optional('code'), regel: many('regel'), struktur: many('struktur') },
  },
  datenfeld: {
    kind: 'complex',
    children: {
      ...V3_ELEMENT,
      feldart: one('code'),
      datentyp: one('code'),
      praezisierung: optional('empty'),
      inhalt: optional(),
      vorbefuellung: optional('code'),
      werte: optional('werte'),
      codelisteReferenz: optional('codelisteReferenz'),
      codeKey: optional(),
      nameKey: optional(),
      helpKey: optional(),
      regel: many('regel'),
      maxSize: optional(),
      mediaType: many(),
    },
  },
  regel: {
    kind: 'complex',
    children: {
      identifikation: one('identifikation'),
      name: one(),
      beschreibung: optional(),
      freitextRegel: optional(),
      bezug: many(),
      stichwort: many(),
      fachlicherErsteller: optional(),
      letzteAenderung: optional(),
      typ: optional('code'),
      param: many('any'),
      ziel: many('any'),
      skript: optional(),
      fehler: many('any'),
    },
  },
  struktur: {
    kind: 'complex',
    children: { anzahl: one(), bezug: many(), enthaelt: one('enthaelt') },
  },
  enthaelt: {
    kind: 'complex',
    children: { datenfeld: optional('datenfeld'), datenfeldgruppe: optional('datenfeldgruppe') },
    exactlyOneOf: ['datenfeld', 'datenfeldgruppe'],
  },
  identifikation: { kind: 'complex', children: { id: one(), version: optional() } },
  relation: { kind: 'complex', children: { praedikat: one('code'), objekt: one('identifikation') } },
  werte: { kind: 'complex', children: { wert: many('wert') } },
  wert: { kind: 'complex', children: { code: one(), name: one(), hilfe: optional() } },
  codelisteReferenz: {
    kind: 'complex',
    children: { canonicalIdentification: one(), version: optional(), canonicalVersionUri: optional() },
  },
  text: { kind: 'text' },
  code: { kind: 'code' },
  empty: { kind: 'empty' },
  any: { kind: 'any' },
};

/**
 * Checks an element tree against a grammar: unexpected elements, repeated single elements,
 * missing and empty required elements are faults. Element order is not checked, since it carries
 * no meaning for the import (the order of `struktur` entries is kept as written).
 */
export function checkStructure(
  element: XmlElement,
  type: string,
  grammar: Grammar,
  namespace: string,
  findings: Findings,
  required = false,
): void {
  const content = grammar[type];
  switch (content.kind) {
    case 'complex':
      return checkComplex(element, content, grammar, namespace, findings);
    case 'text':
      element.children.forEach((child) =>
        findings.fault(child.path, messages.unexpectedElement(child.local, element.local)),
      );
      if (required && element.text.trim() === '') findings.fault(element.path, messages.emptyElement(element.local));
      return;
    case 'code':
      return checkCode(element, namespace, findings);
    case 'empty':
      element.children.forEach((child) =>
        findings.fault(child.path, messages.unexpectedElement(child.local, element.local)),
      );
      if (element.text.trim() !== '') findings.warn(element.path, messages.textIgnored(element.local));
      return;
    case 'any':
      return;
  }
}

function checkComplex(
  element: XmlElement,
  content: Extract<Content, { kind: 'complex' }>,
  grammar: Grammar,
  namespace: string,
  findings: Findings,
): void {
  const seen = new Map<string, number>();
  for (const child of element.children) {
    const rule = child.ns === namespace ? content.children[child.local] : undefined;
    if (!rule) {
      findings.fault(child.path, messages.unexpectedElement(qualified(child, namespace), element.local));
      continue;
    }
    const count = (seen.get(child.local) ?? 0) + 1;
    seen.set(child.local, count);
    const [occurs, childType] = rule;
    if (count > 1 && occurs !== 'many') findings.fault(child.path, messages.duplicateElement(child.local));
    else checkStructure(child, childType, grammar, namespace, findings, occurs === 'one');
  }
  for (const [name, [occurs]] of Object.entries(content.children)) {
    if (occurs === 'one' && !seen.has(name)) findings.fault(element.path, messages.missingElement(name));
  }
  checkChoice(element, content.exactlyOneOf, seen, findings);
  if (element.text.trim() !== '') findings.warn(element.path, messages.textIgnored(element.local));
}

/** `enthaelt` holds exactly one of its alternatives. */
function checkChoice(
  element: XmlElement,
  alternatives: readonly string[] | undefined,
  seen: ReadonlyMap<string, number>,
  findings: Findings,
): void {
  if (!alternatives) return;
  const found = alternatives.reduce((sum, name) => sum + (seen.get(name) ?? 0), 0);
  if (found === 0) findings.fault(element.path, messages.missingElement(alternatives.join(' | ')));
  if (found > 1) findings.fault(element.path, messages.duplicateElement(alternatives.join(' | ')));
}

/** XÖV codes carry their value in an unqualified `<code>` (tolerated in the standard's namespace too). */
function checkCode(element: XmlElement, namespace: string, findings: Findings): void {
  const seen = new Set<string>();
  for (const child of element.children) {
    const allowed = (child.ns === undefined || child.ns === namespace) && ['code', 'name'].includes(child.local);
    if (!allowed) findings.fault(child.path, messages.unexpectedElement(qualified(child, namespace), element.local));
    else if (seen.has(child.local)) findings.fault(child.path, messages.duplicateElement(child.local));
    else if (child.children.length > 0)
      findings.fault(child.children[0].path, messages.unexpectedElement(child.children[0].local, child.local));
    seen.add(child.local);
  }
  if (!seen.has('code')) findings.fault(element.path, messages.missingElement('code'));
}

/** The name as a reader of the document would recognise it: with its namespace when it is a foreign one. */
function qualified(element: XmlElement, namespace: string): string {
  return element.ns === namespace ? element.local : `{${element.ns ?? ''}}${element.local}`;
}
