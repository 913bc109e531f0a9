import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { Document, LineCounter } from 'yaml';
import { readYaml } from '@openrathaus/core';
import type { DefinitionFault } from './definition-fault';
import { SEMVER, ValidationContext, validateDefinition } from './definition.validator';
import type { ProcessDefinition } from './process-definition';

/** One definition file as read from disk: the definition when sound, its faults otherwise. */
export interface LoadedDefinition {
  owner: string;
  key: string;
  /** The version the file name gives, or `draft`. */
  version: string;
  file: string;
  /** Hash of the definition's content (not its formatting); a published version keeps it forever. */
  hash: string;
  draft: boolean;
  definition?: ProcessDefinition;
  faults: DefinitionFault[];
}

/** A definition is a document a person writes: a megabyte and 40 levels are far beyond any real one. */
const DEFINITION_LIMITS = { maxBytes: 1024 * 1024, maxDepth: 40 };

/** A stable hash of a JSON value: keys sorted, so formatting and key order do not count. */
export function contentHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 32);
}

/** The line of the node at `path` (`form.pages[1].items[0].id`), for faults a person can find. */
function lineOf(doc: Document, counter: LineCounter, path: string): number | undefined {
  const segments = path
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Reads and checks one definition text. `owner`, `key` and the expected version come from where
 * the file lies; a file elsewhere (an import, an upload) passes them as it knows them.
 */
export function parseDefinition(
  source: string,
  where: { file: string; owner: string; key?: string; version?: string },
  context: ValidationContext,
): LoadedDefinition {
  const base = {
    owner: where.owner,
    key: where.key ?? '',
    version: where.version ?? '',
    file: where.file,
    draft: where.version === 'draft',
    hash: '',
    faults: [] as DefinitionFault[],
  };
  const read = readYaml(source, DEFINITION_LIMITS);
  if (!read.ok) {
    if (read.problem === 'not_object') return { ...base, faults: [{ file: where.file, path: '', key: 'not_object' }] };
    return { ...base, faults: [{ file: where.file, path: '', key: read.problem, params: { detail: read.detail } }] };
  }
  const { value, doc, counter } = read;
  const faults: DefinitionFault[] = validateDefinition(value, context).map((f) => {
    const line = lineOf(doc, counter, f.path);
    return { file: line ? `${where.file}:${line}` : where.file, ...f };
  });
  const key = typeof value.key === 'string' ? value.key : '';
  const version = typeof value.version === 'string' ? value.version : '';
  if (where.key !== undefined && key && key !== where.key && !faults.some((f) => f.path === 'key')) {
    faults.push({ file: where.file, path: 'key', key: 'key_folder', params: { folder: where.key } });
  }
  if (
    where.version &&
    !base.draft &&
    version &&
    version !== where.version &&
    !faults.some((f) => f.path === 'version')
  ) {
    faults.push({ file: where.file, path: 'version', key: 'version_file', params: { file: `${where.version}.yaml` } });
  }
  return {
    ...base,
    key: key || base.key,
    version: base.draft ? 'draft' : version || base.version,
    hash: faults.length ? '' : contentHash(value),
    definition: faults.length ? undefined : (value as unknown as ProcessDefinition),
    faults,
  };
}

/** Reads one file below `tenants/<owner>/processes/<key>/`. */
export function loadDefinitionFile(path: string, context: ValidationContext): LoadedDefinition {
  const keyDir = dirname(path);
  const owner = basename(dirname(dirname(keyDir)));
  const name = basename(path).replace(/\.ya?ml$/, '');
  const file = relative(process.cwd(), path) || path;
  const version = name === 'draft' ? 'draft' : name;
  const loaded = parseDefinition(readFileSync(path, 'utf8'), { file, owner, key: basename(keyDir), version }, context);
  if (version !== 'draft' && !SEMVER.test(name)) {
    loaded.faults.push({ file, path: '', key: 'version_file', params: { file: `${loaded.version || '1.0.0'}.yaml` } });
    loaded.definition = undefined;
  }
  return loaded;
}

/** Every definition file of every tenant below `root` (`<root>/<owner>/processes/<key>/<version>.yaml`). */
export function loadDefinitionsDir(root: string, context: ValidationContext): LoadedDefinition[] {
  const out: LoadedDefinition[] = [];
  const dirs = (path: string) =>
    existsSync(path)
      ? readdirSync(path)
          .filter((n) => !n.startsWith('.') && statSync(join(path, n)).isDirectory())
          .sort()
      : [];
  for (const owner of dirs(root)) {
    const processes = join(root, owner, 'processes');
    for (const key of dirs(processes)) {
      const files = readdirSync(join(processes, key))
        .filter((n) => /\.ya?ml$/.test(n))
        .sort();
      for (const name of files) out.push(loadDefinitionFile(join(processes, key, name), context));
    }
  }
  return out;
}
