import type { FieldDefinition, FormDefinition, FormItem } from '../form.model';
import { isGroup } from '../form.model';
import { parseGermanNumber } from './field-formats';
import { Answers, entryLimit, isPlainObject, isRepeatedField, own, put } from './form-structure';

/**
 * What the citizen pressed. Every button of the form page is `<button name="_action" value="…">`:
 * `next` (Weiter, also what Enter does), `back`, `later` (save and continue later), `submit` (on
 * the summary), `add:<path>` (another entry of a repeatable group or field), `remove:<path>.<index>`
 * (that entry), `upload:<path>` (upload the chosen file and stay), `remove-file:<attachmentId>`.
 */
export type FormAction =
  | { kind: 'next' }
  | { kind: 'back' }
  | { kind: 'later' }
  | { kind: 'submit' }
  | { kind: 'add'; path: string }
  | { kind: 'remove'; path: string; index: number }
  | { kind: 'upload'; path: string }
  | { kind: 'remove-file'; attachmentId: string };

/** Longest action value read; anything longer is no button of ours. */
const MAX_ACTION_LENGTH = 500;

const SIMPLE_ACTIONS = new Set(['next', 'back', 'later', 'submit']);

/** The button pressed in a form post; `next` when there is none or it is not one of ours. */
export function formAction(body: unknown): FormAction {
  const raw = firstString(isPlainObject(body) ? own(body, '_action') : undefined);
  if (!raw || raw.length > MAX_ACTION_LENGTH) return { kind: 'next' };
  if (SIMPLE_ACTIONS.has(raw)) return { kind: raw as 'next' | 'back' | 'later' | 'submit' };
  const colon = raw.indexOf(':');
  const verb = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  if (colon < 0 || rest === '') return { kind: 'next' };
  if (verb === 'add') return { kind: 'add', path: rest };
  if (verb === 'upload') return { kind: 'upload', path: rest };
  if (verb === 'remove-file') return { kind: 'remove-file', attachmentId: rest };
  if (verb === 'remove') {
    const match = /^(.+)\.(\d{1,4})$/.exec(rest);
    if (match) return { kind: 'remove', path: match[1], index: Number(match[2]) };
  }
  return { kind: 'next' };
}

/** A form post read: the page's answers, the button pressed, and whether the page is shown again. */
export interface FormPost {
  answers: Answers;
  action: FormAction;
  /** An add, remove or upload button: show the page again (without errors) instead of moving on. */
  stay: boolean;
  /**
   * The entry of a repeated group that the remove button took out, when it did: the files of
   * that entry go with it, those of later entries move up with theirs (see `pathAfterRemoval`).
   */
  removed?: { path: string; index: number };
}

/**
 * The answers of one page from an HTML form post (`application/x-www-form-urlencoded`, or the text
 * parts of a multipart post), typed as {@link validateAnswers} takes them. Names are answer paths:
 * `vorname`, `anschrift.street`, `kinder.0.vorname`, `telefone.1`; checkboxes repeat their name;
 * a repeatable item posts its number of entries as `<path>._count`; a file field posts the ids of
 * the attachments it keeps as hidden inputs under its own name (the new file, in a multipart
 * post, is a file part of that name). Every item of the page gets a key, `undefined` when nothing
 * was posted, so spreading the result over stored answers clears what was emptied. An add or
 * remove button is applied to the answers. Nothing here throws: a value of the wrong shape is
 * passed on as it came and fails validation.
 */
export function answersFromFormPost(form: FormDefinition, pageId: string, body: unknown): FormPost {
  const post = isPlainObject(body) ? body : {};
  const action = formAction(post);
  const stay = ['add', 'remove', 'upload', 'remove-file'].includes(action.kind);
  const page = form.pages.find((p) => p.id === pageId);
  const answers: Answers = {};
  if (!page) return { answers, action, stay };
  readItems(page.items, post, '', answers);
  const removed = applyAction(page.items, answers, action);
  return { answers, action, stay, ...(removed ? { removed } : {}) };
}

const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];

function firstString(value: unknown): string | undefined {
  return strings(value)[0];
}

/** One posted value: a string, undefined when empty, or the list when a name came several times. */
function single(post: Record<string, unknown>, name: string): string | string[] | undefined {
  const values = strings(own(post, name));
  if (values.length > 1) return values;
  return values[0] === '' ? undefined : values[0];
}

function readItems(items: FormItem[], post: Record<string, unknown>, prefix: string, target: Answers): void {
  for (const item of items) {
    const name = prefix + item.id;
    if (isGroup(item)) {
      if (!item.repeat) readItems(item.items, post, prefix, target);
      else {
        const entries = Array.from({ length: entryCount(post, name, entryLimit(item.repeat)) }, (_, i) => {
          const entry: Answers = {};
          readItems(item.items, post, `${name}.${i}.`, entry);
          return entry;
        });
        put(target, item.id, entries.length > 0 ? entries : undefined);
      }
    } else if (item.type === 'info') {
      continue;
    } else if (isRepeatedField(item)) {
      const values = Array.from({ length: entryCount(post, name, entryLimit(item.repeat)) }, (_, i) =>
        readField(item, post, `${name}.${i}`),
      ).filter((v) => v !== undefined);
      put(target, item.id, values.length > 0 ? values : undefined);
    } else {
      put(target, item.id, readField(item, post, name));
    }
  }
}

/** The number of entries posted: `<name>._count`, else the highest index seen, at most `limit`. */
function entryCount(post: Record<string, unknown>, name: string, limit: number): number {
  const declared = firstString(own(post, `${name}._count`));
  if (declared !== undefined && /^\d{1,4}$/.test(declared)) return Math.min(Number(declared), limit);
  const prefix = `${name}.`;
  let count = 0;
  for (const key of Object.keys(post)) {
    if (!key.startsWith(prefix)) continue;
    const index = /^(\d{1,4})(?:\.|$)/.exec(key.slice(prefix.length));
    if (index) count = Math.max(count, Number(index[1]) + 1);
  }
  return Math.min(count, limit);
}

const CONSENT_VALUES = new Set(['true', 'on', '1', 'yes', 'ja']);

function readField(field: FieldDefinition, post: Record<string, unknown>, name: string): unknown {
  switch (field.type) {
    case 'checkboxes':
    case 'file': {
      const values = strings(own(post, name)).filter((v) => v !== '');
      return values.length > 0 ? values : undefined;
    }
    case 'address': {
      const address: Answers = {};
      for (const part of ['street', 'houseNumber', 'postalCode', 'city']) {
        const value = single(post, `${name}.${part}`);
        if (value !== undefined) put(address, part, value);
      }
      return Object.keys(address).length > 0 ? address : undefined;
    }
    case 'number': {
      const value = single(post, name);
      if (typeof value !== 'string' || value.trim() === '') return value;
      return parseGermanNumber(value) ?? value;
    }
    case 'consent': {
      const value = single(post, name);
      return typeof value === 'string' && CONSENT_VALUES.has(value.toLowerCase()) ? true : value;
    }
    default:
      return single(post, name);
  }
}

interface Located {
  item: FormItem;
  /** The object holding the item's answer. */
  holder: Answers;
}

/** The item at an answer path within the page's answers (`personen.0.telefone` → telefone in entry 0). */
function locate(items: FormItem[], answers: Answers, path: string): Located | undefined {
  const parts = path.split('.');
  let scopeItems = items;
  let holder = answers;
  for (let i = 0; i < parts.length; i++) {
    const item = findItem(scopeItems, parts[i]);
    if (!item) return undefined;
    if (i === parts.length - 1) return { item, holder };
    const index = parts[++i];
    if (!isGroup(item) || !item.repeat || !/^\d{1,4}$/.test(index ?? '')) return undefined;
    const entries = own(holder, item.id);
    const entry = Array.isArray(entries) ? (entries[Number(index)] as unknown) : undefined;
    if (!isPlainObject(entry)) return undefined;
    scopeItems = item.items;
    holder = entry;
  }
  return undefined;
}

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

/** Applies an add or remove button to the answers; the entry of a repeated group removed, if one was. */
function applyAction(items: FormItem[], answers: Answers, action: FormAction): FormPost['removed'] {
  if (action.kind === 'remove-file') {
    dropAttachment(items, answers, action.attachmentId);
    return undefined;
  }
  if (action.kind !== 'add' && action.kind !== 'remove') return undefined;
  const found = locate(items, answers, action.path);
  if (!found) return undefined;
  const { item, holder } = found;
  const repeatable = isGroup(item) ? item.repeat : isRepeatedField(item) ? item.repeat : undefined;
  if (!repeatable) return undefined;
  const current = own(holder, item.id);
  const list: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
  let removed: FormPost['removed'];
  if (action.kind === 'add') {
    if (list.length < entryLimit(repeatable)) list.push(isGroup(item) ? {} : '');
  } else if (action.index < list.length) {
    list.splice(action.index, 1);
    // Indexes as answers write them (`01` is `1`), so the path compares with stored ones.
    const path = action.path.replace(/(^|\.)0+(?=\d+(?:\.|$))/g, '$1');
    if (isGroup(item)) removed = { path, index: action.index };
  }
  put(holder, item.id, list.length > 0 ? list : undefined);
  return removed;
}

/** Takes an attachment out of whichever file answer of the page lists it. */
function dropAttachment(items: FormItem[], scope: Answers, attachmentId: string): void {
  for (const item of items) {
    const value = own(scope, item.id);
    if (isGroup(item)) {
      if (!item.repeat) dropAttachment(item.items, scope, attachmentId);
      else if (Array.isArray(value)) {
        for (const entry of value) if (isPlainObject(entry)) dropAttachment(item.items, entry, attachmentId);
      }
    } else if (item.type === 'file' && Array.isArray(value)) {
      const kept = value.filter((id) => id !== attachmentId);
      put(scope, item.id, kept.length > 0 ? kept : undefined);
    }
  }
}
