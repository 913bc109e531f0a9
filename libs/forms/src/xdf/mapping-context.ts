import type { CodeList } from '../form.model';
import { IdRegistry } from './id-registry';
import type { Findings } from './xdf-fault';
import type { XdfCodeListReference } from './xdf-model';

/**
 * External code lists: FIM fields name genericode lists (XRepository) whose values are not in the
 * XDatenfelder document. Lists the caller supplies are put into `form.codeLists`, once each.
 */
export class CodeListCatalog {
  /** What ends up in `form.codeLists`. */
  readonly used: Record<string, CodeList> = {};
  private readonly names = new IdRegistry();
  private readonly byReference = new Map<string, string>();

  constructor(private readonly supplied: Readonly<Record<string, CodeList>>) {}

  /** The `form.codeLists` name for a reference, or undefined when its values are unknown. */
  resolve(reference: XdfCodeListReference): string | undefined {
    const list =
      (reference.versionUri ? this.supplied[reference.versionUri] : undefined) ?? this.supplied[reference.uri];
    if (!list || list.options.length === 0) return undefined;
    const key = reference.versionUri ?? `${reference.uri}|${reference.version ?? ''}`;
    const known = this.byReference.get(key);
    if (known) return known;
    // `urn:de:dsmeld:schluesseltabelle:geschlecht` → `geschlecht`: short, and what a modeller would call it.
    const name = this.names.take(reference.uri.split(':').pop() ?? reference.uri);
    this.byReference.set(key, name);
    this.used[name] = { uri: reference.uri, version: reference.version ?? list.version, options: list.options };
    return name;
  }
}

/** State shared while one schema is mapped to a form. */
export interface MappingContext {
  findings: Findings;
  ids: IdRegistry;
  codeLists: CodeListCatalog;
  /** `XdfImport.notes`: schema documentation and every rule, naming the element it belongs to. */
  notes: string[];
}
