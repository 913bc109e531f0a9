import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Findings } from './xdf-fault';
import { messages } from './xdf-messages';

/** An element of a parsed XML document, namespaces resolved. */
export interface XmlElement {
  /** Name without prefix (`datenfeld`). */
  local: string;
  /** Namespace URI; undefined for an unprefixed name without a default namespace (XÖV `<code>`). */
  ns: string | undefined;
  /** Attributes except namespace declarations, by name as written; entities decoded. */
  attrs: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** Character data directly inside (text and CDATA), untrimmed. */
  text: string;
  /** Local names from the root, a position `[n]` where several siblings share a name. */
  path: string;
}

/** Where document-level faults (no element to name) are reported. */
export const DOCUMENT_PATH = '(document)';

type RawNode = Record<string, unknown>;
type Scope = ReadonlyMap<string, string>;

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const PREDEFINED_SCOPE: Scope = new Map([['xml', XML_NAMESPACE]]);
// Only the five predefined entities and character references exist without a DTD (and DTDs are refused).
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// A DOCTYPE may only stand in the prolog, before the root element.
const PROLOG_DOCTYPE = /^(?:\s|<\?(?:(?!\?>)[\s\S])*\?>|<!--(?:(?!-->)[\s\S])*-->)*<!DOCTYPE/i;

// Order must be kept (struktur order, path positions), values stay strings, entities are decoded by us
// (the parser would leave unknown ones in place) and CDATA is kept apart so it is not decoded.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
});

/**
 * Parses an XML document into {@link XmlElement}s. Anything that is not well-formed (or not
 * namespace-well-formed) becomes a fault; this function never throws.
 */
export function parseXml(source: unknown, findings: Findings): XmlElement | undefined {
  if (typeof source !== 'string' || source.trim() === '') {
    findings.fault(DOCUMENT_PATH, messages.noDocument());
    return undefined;
  }
  // XML processors normalise line ends; the byte order mark is not content.
  const xml = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!isWellFormed(xml, findings)) return undefined;
  const top = parseRaw(xml, findings);
  if (!top) return undefined;
  const roots = top.filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) {
    findings.fault(DOCUMENT_PATH, messages.oneRoot(roots.length));
    return undefined;
  }
  if (top.some((node) => typeof node['#text'] === 'string' && node['#text'].trim() !== '')) {
    findings.fault(DOCUMENT_PATH, messages.textOutsideRoot());
    return undefined;
  }
  return buildElement(roots[0], PREDEFINED_SCOPE, '', '', findings);
}

function isWellFormed(xml: string, findings: Findings): boolean {
  if (PROLOG_DOCTYPE.test(xml)) {
    findings.fault(DOCUMENT_PATH, messages.doctype());
    return false;
  }
  const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    findings.fault(DOCUMENT_PATH, messages.notWellFormed(msg, line, col));
    return false;
  }
  // The validator accepts text after the root element, and the parser drops it silently.
  if (!endsWithMarkup(xml)) {
    findings.fault(DOCUMENT_PATH, messages.textOutsideRoot());
    return false;
  }
  return true;
}

/** True when, after trailing whitespace, comments and processing instructions, the document ends with a tag. */
function endsWithMarkup(xml: string): boolean {
  let end = xml.length;
  for (;;) {
    while (end > 0 && /\s/.test(xml[end - 1])) end -= 1;
    const opener = xml.endsWith('-->', end) ? '<!--' : xml.endsWith('?>', end) ? '<?' : undefined;
    if (opener === undefined) return end > 0 && xml[end - 1] === '>';
    const start = xml.lastIndexOf(opener, end - 2);
    if (start < 0) return false;
    end = start;
  }
}

function parseRaw(xml: string, findings: Findings): RawNode[] | undefined {
  try {
    return asNodes(parser.parse(xml) as unknown);
  } catch (error) {
    findings.fault(DOCUMENT_PATH, messages.notWellFormed(error instanceof Error ? error.message : String(error)));
    return undefined;
  }
}

function buildElement(node: RawNode, parentScope: Scope, parentPath: string, position: string, findings: Findings) {
  const qname = elementName(node) ?? '';
  const { prefix, local } = splitName(qname);
  const path = parentPath === '' ? local : `${parentPath}/${local}${position}`;
  const raw = asAttributes(node[':@']);
  const scope = declareNamespaces(parentScope, raw);
  const ns = scope.get(prefix ?? '');
  if (prefix !== undefined && ns === undefined) findings.fault(path, messages.undeclaredPrefix(prefix));
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) attrs[name] = decode(value, path, findings);
  }
  const content = asNodes(node[qname]);
  const element: XmlElement = { local, ns, attrs, children: [], text: '', path };
  const positions = siblingPositions(content);
  content.forEach((child, index) => {
    if (elementName(child) !== undefined) {
      element.children.push(buildElement(child, scope, path, positions[index], findings));
    } else {
      element.text += characterData(child, path, findings);
    }
  });
  return element;
}

/** `[n]` for each child element whose local name occurs more than once among its siblings, else ''. */
function siblingPositions(content: RawNode[]): string[] {
  const locals = content.map((node) => {
    const name = elementName(node);
    return name === undefined ? undefined : splitName(name).local;
  });
  const totals = new Map<string, number>();
  for (const local of locals) if (local !== undefined) totals.set(local, (totals.get(local) ?? 0) + 1);
  const seen = new Map<string, number>();
  return locals.map((local) => {
    if (local === undefined || (totals.get(local) ?? 0) < 2) return '';
    const n = (seen.get(local) ?? 0) + 1;
    seen.set(local, n);
    return `[${n}]`;
  });
}

function characterData(node: RawNode, path: string, findings: Findings): string {
  if (typeof node['#text'] === 'string') return decode(node['#text'], path, findings);
  // CDATA is literal: its content must not be entity-decoded.
  if ('#cdata' in node)
    return asNodes(node['#cdata'])
      .map((part) => (typeof part['#text'] === 'string' ? part['#text'] : ''))
      .join('');
  return '';
}

function declareNamespaces(parent: Scope, attrs: Record<string, string>): Scope {
  const declarations = Object.entries(attrs).filter(([name]) => name === 'xmlns' || name.startsWith('xmlns:'));
  if (declarations.length === 0) return parent;
  const scope = new Map(parent);
  for (const [name, uri] of declarations) scope.set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), uri);
  return scope;
}

function decode(raw: string, path: string, findings: Findings): string {
  const unknown = /&[^;\s]*;?/.exec(raw.replace(REFERENCE, ''));
  if (unknown) {
    findings.fault(path, messages.unknownEntity(unknown[0]));
    return raw;
  }
  return raw.replace(REFERENCE, (reference, name?: string, decimal?: string, hex?: string) => {
    if (name !== undefined) return PREDEFINED[name];
    const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    if (codePoint > 0x10ffff) {
      findings.fault(path, messages.unknownEntity(reference));
      return reference;
    }
    return String.fromCodePoint(codePoint);
  });
}

function splitName(qname: string): { prefix?: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

function elementName(node: RawNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && !key.startsWith('#') && !key.startsWith('?'));
}

function asNodes(value: unknown): RawNode[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function asAttributes(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, typeof v === 'string' ? v : '']));
}

function isRecord(value: unknown): value is RawNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
