import type { FieldDefinition, FormDefinition, FormItem, GroupDefinition } from '../form.model';
import { isGroup } from '../form.model';
import { Answers, entryLimit, isPlainObject, own, put } from './form-structure';

/**
 * A file field at one answer path: `nachweis` at the top level (or in a group that is not
 * repeated: its answers are flat), `personen.1.aufenthaltstitel` in the second entry of a
 * repeated group, `personen.0.kinder.2.ausweis` in repeated groups within repeated groups.
 */
export interface FileSlot {
  /** The path as the answers name it; canonical (no leading zeros). */
  path: string;
  field: FieldDefinition;
  /** The repeated groups on the way, outermost first, with the entry's index in each. */
  entries: { group: GroupDefinition; index: number }[];
}

/** Longest path taken; no form nests deeper than this allows. */
export const MAX_FILE_PATH_LENGTH = 300;

/** An index as answers write it: `0`, `7`, `12`; never `01`, `-1`, `1e3` or ` 1`. */
const INDEX = /^(?:0|[1-9]\d{0,3})$/;

/** An item of this scope: directly, or inside a group that is not repeated (its answers are flat). */
function findItem(items: FormItem[], id: string): FormItem | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    if (isGroup(item) && !item.repeat) {
      const inner = findItem(item.items, id);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * The file field an answer path names, or undefined when it names none: an unknown id, a field
 * that is no file field, a repeated group without an index, an index that is no plain decimal
 * or is not below the group's largest number of entries. Never throws, whatever it is given.
 */
export function resolveFilePath(form: FormDefinition, path: unknown): FileSlot | undefined {
  if (typeof path !== 'string' || path === '' || path.length > MAX_FILE_PATH_LENGTH) return undefined;
  const parts = path.split('.');
  const entries: FileSlot['entries'] = [];
  let items: FormItem[] = form.pages.flatMap((page) => page.items);
  for (let i = 0; i < parts.length; i++) {
    const item = findItem(items, parts[i]);
    if (!item) return undefined;
    if (!isGroup(item)) {
      return item.type === 'file' && i === parts.length - 1 ? { path, field: item, entries } : undefined;
    }
    // A group that is not repeated is found through its items (see findItem), never named.
    if (!item.repeat) return undefined;
    const index = parts[++i];
    if (index === undefined || !INDEX.test(index) || Number(index) >= entryLimit(item.repeat)) return undefined;
    entries.push({ group: item, index: Number(index) });
    items = item.items;
  }
  return undefined;
}

/** The object that holds a slot's answer in these answers, or undefined when an entry on the way is missing. */
export function slotHolder(answers: Answers, slot: FileSlot): Answers | undefined {
  let holder: Answers = answers;
  for (const { group, index } of slot.entries) {
    const list = own(holder, group.id);
    const entry = Array.isArray(list) ? (list[index] as unknown) : undefined;
    if (!isPlainObject(entry)) return undefined;
    holder = entry;
  }
  return holder;
}

/**
 * The answers with every file answer set to the attachments held at its path (by the answer
 * path, as `resolveFilePath` takes it): a file field outside repeated groups always gets its list
 * (empty when none), one in an entry of a repeated group only when it holds files. Attachments at
 * a path whose entry does not exist are left out: they count again once it does. The answers
 * given are not changed.
 */
export function placeAttachments(
  form: FormDefinition,
  answers: Answers,
  attachments: Readonly<Record<string, readonly { id: string }[]>>,
): Answers {
  const result: Answers = { ...answers };
  const idsAt = (path: string): string[] => {
    const list = own(attachments, path);
    return Array.isArray(list) ? (list as { id: string }[]).map((a) => a.id) : [];
  };
  const place = (items: FormItem[], scope: Answers, prefix: string, inEntry: boolean): void => {
    for (const item of items) {
      if (isGroup(item)) {
        if (!item.repeat) {
          place(item.items, scope, prefix, inEntry);
          continue;
        }
        const list = own(scope, item.id);
        if (!Array.isArray(list)) continue;
        put(
          scope,
          item.id,
          list.map((entry: unknown, i) => {
            if (!isPlainObject(entry)) return entry;
            const copy: Answers = { ...entry };
            place(item.items, copy, `${prefix}${item.id}.${i}.`, true);
            return copy;
          }),
        );
      } else if (item.type === 'file') {
        const ids = idsAt(prefix + item.id);
        if (ids.length > 0 || !inEntry) put(scope, item.id, ids);
        else delete scope[item.id];
      }
    }
  };
  for (const page of form.pages) place(page.items, result, '', false);
  return result;
}

/**
 * Where a file's path goes when entry `index` of the repeated item at `removed` is taken out:
 * null for a file of that entry (it goes with it), the path one index lower for a file of a later
 * entry (it stays with its entry, which moves up), undefined for any other file (it stays).
 */
export function pathAfterRemoval(path: string, removed: { path: string; index: number }): string | null | undefined {
  const prefix = `${removed.path}.`;
  if (!path.startsWith(prefix)) return undefined;
  const match = /^(\d+)\.(.+)$/.exec(path.slice(prefix.length));
  if (!match) return undefined;
  const index = Number(match[1]);
  if (index === removed.index) return null;
  return index > removed.index ? `${prefix}${index - 1}.${match[2]}` : undefined;
}
