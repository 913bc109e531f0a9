import { FormItem, isGroup, walkItems } from '@openrathaus/forms';
import { isLocale } from '@openrathaus/i18n';
import { contentHash } from './definition.loader';
import type { ProcessDefinition } from './process-definition';

export type DiffArea =
  'metadata' | 'parameters' | 'pages' | 'fields' | 'codeLists' | 'steps' | 'fees' | 'documents' | 'messages';

/** One difference between two versions: what, where, and which of its properties changed. */
export interface DefinitionChange {
  area: DiffArea;
  id: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: the properties that differ (`label`, `visibleIf`, `constraints`, `de` …). */
  properties?: string[];
  /** For `changed`: the languages whose texts differ somewhere inside (`de`, `tr`, …), when a translation changed. */
  locales?: string[];
}

const isText = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as { de?: unknown }).de === 'string' &&
  Object.keys(value).every(isLocale);

/** The languages whose texts differ between two values, found at any depth. */
function changedLocales(a: unknown, b: unknown, out = new Set<string>()): Set<string> {
  if (isText(a) || isText(b)) {
    const x = isText(a) ? a : {};
    const y = isText(b) ? b : {};
    for (const locale of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[locale] !== y[locale]) out.add(locale);
    }
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) changedLocales(x[key], y[key], out);
  }
  return out;
}

/** Equal content, whatever the order of keys (as {@link contentHash} sees it). */
const same = (a: unknown, b: unknown): boolean => contentHash(a ?? null) === contentHash(b ?? null);

function changedProperties(a: Record<string, unknown>, b: Record<string, unknown>, skip: string[] = []): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !skip.includes(k) && !same(a[k], b[k])).sort();
}

function compareMaps(
  area: DiffArea,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  skip: string[] = [],
): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  for (const id of Object.keys(before)) {
    if (!(id in after)) out.push({ area, id, change: 'removed' });
  }
  for (const [id, value] of Object.entries(after)) {
    if (!(id in before)) out.push({ area, id, change: 'added' });
    else if (!same(before[id], value)) {
      const properties =
        value && typeof value === 'object' && !Array.isArray(value)
          ? changedProperties(before[id] as Record<string, unknown>, value as Record<string, unknown>, skip)
          : [];
      // Named when a translation changed; a change of the German text alone is the usual case.
      const locales = [...changedLocales(before[id], value)].sort();
      const translated = locales.some((l) => l !== 'de');
      if (properties.length || !skip.length) {
        out.push({ area, id, change: 'changed', properties, ...(translated ? { locales } : {}) });
      }
    }
  }
  return out;
}

/** Pages and steps run in order: the same ones in another order are a change of their own. */
function compareOrder(area: DiffArea, a: { id: string }[], b: { id: string }[]): DefinitionChange[] {
  const kept = new Set(b.map((x) => x.id));
  const before = a.map((x) => x.id).filter((id) => kept.has(id));
  const still = new Set(before);
  const after = b.map((x) => x.id).filter((id) => still.has(id));
  return same(before, after) ? [] : [{ area, id: '(order)', change: 'changed', properties: after }];
}

const byId = <T extends { id: string }>(list: T[] = []): Record<string, T> =>
  Object.fromEntries(list.map((x) => [x.id, x]));

function fields(d: ProcessDefinition): Record<string, FormItem & { page: string; parent?: string }> {
  const out: Record<string, FormItem & { page: string; parent?: string }> = {};
  for (const page of d.form.pages) {
    for (const { item, parents } of walkItems(page.items)) {
      // A group is compared without its children: they are compared on their own.
      const own = isGroup(item) ? { ...item, items: item.items.map((i) => i.id) } : item;
      out[item.id] = { ...(own as FormItem), page: page.id, parent: parents[parents.length - 1]?.id };
    }
  }
  return out;
}

const METADATA: (keyof ProcessDefinition)[] = [
  'visibility',
  'leika',
  'title',
  'summary',
  'description',
  'lebenslagen',
  'keywords',
  'requiredDocuments',
  'processingTime',
  'legalBasis',
  'trustLevel',
  'retention',
];

/**
 * What changed from one version to another, by area: metadata and texts, parameters, pages,
 * fields (with their rules and constraints), code lists, steps, fees, documents and messages.
 */
export function diffDefinitions(a: ProcessDefinition, b: ProcessDefinition): DefinitionChange[] {
  const metadata = (d: ProcessDefinition): Record<string, unknown> =>
    Object.fromEntries(METADATA.map((k): [string, unknown] => [k, d[k]]).filter(([, v]) => v !== undefined));
  const pages = (d: ProcessDefinition) => byId(d.form.pages.map((p) => ({ ...p, items: p.items.map((i) => i.id) })));
  return [
    ...compareMaps('metadata', metadata(a), metadata(b)),
    ...compareMaps('parameters', a.parameters ?? {}, b.parameters ?? {}),
    ...compareOrder('pages', a.form.pages, b.form.pages),
    ...compareMaps('pages', pages(a), pages(b)),
    ...compareMaps('fields', fields(a), fields(b)),
    ...compareMaps('codeLists', a.form.codeLists ?? {}, b.form.codeLists ?? {}),
    ...compareOrder('steps', a.steps, b.steps),
    ...compareMaps('steps', byId(a.steps), byId(b.steps)),
    ...compareMaps('fees', byId(a.fees), byId(b.fees)),
    ...compareMaps('documents', a.documents ?? {}, b.documents ?? {}),
    ...compareMaps('messages', a.messages ?? {}, b.messages ?? {}),
  ];
}

/**
 * The changes as lines a person reads: `+ fields.zweitfahrzeug`, `~ parameters.fee (default)`,
 * `~ fields.vorname (label) [tr, ar]` (the languages whose texts changed).
 */
export function formatChanges(changes: DefinitionChange[]): string[] {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return changes.map(
    (c) =>
      `${sign[c.change]} ${c.area}.${c.id}${c.properties?.length ? ` (${c.properties.join(', ')})` : ''}` +
      (c.locales?.length ? ` [${c.locales.join(', ')}]` : ''),
  );
}
