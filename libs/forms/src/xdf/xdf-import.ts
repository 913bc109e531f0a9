import type { CodeList, FormDefinition } from '../form.model';
import { mapSchema } from './form-mapping';
import { Findings, type XdfFault } from './xdf-fault';
import { readXdf } from './xdf-reader';
import { DOCUMENT_PATH, parseXml } from './xml-tree';

export type { XdfFault, XdfReason } from './xdf-fault';

/** An XDatenfelder schema imported as a form. */
export interface XdfImport {
  standard: '2.0' | '3.0.0';
  /** FIM id and version of the Stammdatenschema (or of the Datenfeldgruppe of a v3 group message). */
  id: string;
  version?: string;
  /** Its `name`. */
  title: string;
  /** Its `beschreibung`. */
  description?: string;
  /** One page per top-level group (or per run of top-level fields); code lists in `form.codeLists`. */
  form: FormDefinition;
  /** Documentation kept, in German: definitions, legal references, every rule with its script (never run). */
  notes: string[];
}

/** Either the import with what had to be approximated (`warnings`), or why there is none (`faults`). */
export type XdfResult = { ok: true; value: XdfImport; warnings: XdfFault[] } | { ok: false; faults: XdfFault[] };

/** Optional inputs of {@link importXdf}. */
export interface XdfImportOptions {
  /**
   * Values of external code lists, which an XDatenfelder document only names. Keyed by canonical
   * version URI (`urn:de:example_1`) or canonical identification (`urn:de:example`). A field naming
   * a supplied list becomes a choice field with `codeList`; without, it becomes a text field.
   */
  codeLists?: Readonly<Record<string, CodeList>>;
}

/**
 * Imports an XDatenfelder 2.0 (`xdatenfelder.stammdatenschema.0102`) or 3.0.0
 * (`xdatenfelder.stammdatenschema.0102`, `xdatenfelder.datenfeldgruppe.0103`) message as a form.
 *
 * Never throws: documents that are not well-formed, of an unknown namespace or message type, or
 * that break the standard (unexpected, repeated, missing or empty elements, invalid codes or
 * cardinalities, repeated codes in a value list) give `ok: false` with faults naming the XML path.
 * Rules are kept as notes and never evaluated.
 */
export function importXdf(xml: string, options: XdfImportOptions = {}): XdfResult {
  const findings = new Findings();
  try {
    const root = parseXml(xml, findings);
    const schema = root && readXdf(root, findings);
    if (!schema || findings.failed) return { ok: false, faults: findings.faults };
    const { form, notes } = mapSchema(schema, options.codeLists ?? {}, findings);
    const value: XdfImport = {
      standard: schema.standard,
      id: schema.id,
      ...(schema.version ? { version: schema.version } : {}),
      title: schema.name,
      ...(schema.description ? { description: schema.description } : {}),
      form,
      notes,
    };
    return { ok: true, value, warnings: findings.warnings };
  } catch (error) {
    // Last line of defence (e.g. a stack overflow on absurdly deep nesting): callers get a fault, not an exception.
    const detail = error instanceof Error ? error.message : String(error);
    const reason = {
      en: `The document could not be read: ${detail}`,
      de: `Das Dokument konnte nicht gelesen werden: ${detail}`,
    };
    return { ok: false, faults: [...findings.faults, { path: DOCUMENT_PATH, reason }] };
  }
}
