import type { ProcessDefinition } from '@openrathaus/catalog';
import { FieldDefinition, FormItem, isGroup, walkItems } from '@openrathaus/forms';

/**
 * The answer keys an item takes: a field its id, a repeated group its id (a list of objects), a
 * group that is not repeated the keys of its items (its fields are answered flat).
 */
export function itemIds(item: FormItem): string[] {
  if (isGroup(item) && !item.repeat) return item.items.flatMap(itemIds);
  return item.type === 'info' ? [] : [item.id];
}

/**
 * The file fields answered at the top level of the answers, by id: those on a page or in groups
 * that are not repeated (their answers are flat). Files in repeated groups are answered in their
 * entries, by path (see `resolveFilePath`).
 */
export function fileFields(definition: ProcessDefinition): Map<string, FieldDefinition> {
  const fields = new Map<string, FieldDefinition>();
  for (const page of definition.form.pages) {
    for (const { item, parents } of walkItems(page.items)) {
      if (!isGroup(item) && item.type === 'file' && parents.every((p) => !p.repeat)) fields.set(item.id, item);
    }
  }
  return fields;
}

/**
 * The value without NUL characters, in strings and keys at any depth: PostgreSQL cannot keep them
 * in jsonb. Nothing else is changed; validation judges the rest.
 */
export function withoutNul(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  // The portal's JSON parser refuses bodies deeper than 64 levels; answers never get here deeper.
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutNul(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k.replace(/\u0000/g, ''),
      withoutNul(v, depth + 1),
    ]),
  );
}
