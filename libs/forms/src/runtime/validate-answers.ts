import type { FieldDefinition, FormDefinition, FormItem, GroupDefinition } from '../form.model';
import { isGroup } from '../form.model';
import type { RuleData } from '../rules';
import {
  anchoredPattern,
  decimalPlaces,
  hasForbiddenCharacters,
  isEmailAddress,
  isPhoneNumber,
  isPostalCode,
  normaliseEmail,
  normaliseIban,
  normaliseLicensePlate,
  parseDate,
  parseGermanNumber,
  PATTERN_INPUT_LIMIT,
  textLength,
  todayInGermany,
} from './field-formats';
import type { FieldErrorKey, FormFieldError } from './form-errors';
import { Answers, entryLimit, isPlainObject, isRepeatedField, optionsOf, own, put, ruleHolds } from './form-structure';
import { acceptedMediaTypes, fileLimit, uploadLimit } from './upload-check';

/** An attachment the application holds, as the validator needs to know it. */
export interface AttachmentRef {
  id: string;
  mediaType: string;
  size: number;
  filename?: string;
}

/** What validation needs besides the form and the answers. */
export interface ValidationContext {
  /** The adopter's parameters, as rules see them (`params.zones`). */
  params: Record<string, unknown>;
  /** Today as ISO date, for `minDate`/`maxDate: today`; default: today in Germany. */
  today?: string;
  /** Report errors of these pages only (all answers are still normalised). */
  pageIds?: readonly string[];
  /**
   * The application's attachments by file field: keyed by field id (recommended: stays right
   * when an entry of a repeated group is removed) or by the full answer path.
   */
  attachments?: Record<string, readonly AttachmentRef[]>;
}

export interface ValidationResult {
  /** The answers to keep: known items only, typed and normalised, hidden items dropped. */
  answers: Answers;
  /** In the order of the form. */
  errors: FormFieldError[];
}

/** Longest text kept when a field sets no `maxLength`. */
export const DEFAULT_MAX_TEXT_LENGTH = 10_000;

/** Longest text kept (to be shown again) when it is longer than its field allows. */
const keepLimit = (maxLength: number): number => Math.max(maxLength, DEFAULT_MAX_TEXT_LENGTH);

/** Longest text of the other kinds of answer: no e-mail address or IBAN is longer. */
const TYPE_MAX_LENGTH: Partial<Record<FieldDefinition['type'], number>> = {
  email: 254,
  phone: 30,
  iban: 42,
  licensePlate: 15,
  date: 10,
  number: 40,
  select: 500,
  radio: 500,
};

const ADDRESS_PARTS = [
  ['street', 150],
  ['houseNumber', 20],
  ['postalCode', 10],
  ['city', 100],
] as const;

/**
 * Checks and normalises the answers of a form, on the server. Each answer is taken in the type
 * its field needs (a wrong JSON type is an error for that field, never an exception); answers to
 * unknown keys and to hidden items are dropped; then `required`, `requiredIf`, cardinality and
 * the definition's `validations` are checked for the visible items. Every field has at most one
 * error (an address one per part), named by the answer's path. Rules see `{ answers, params }`
 * and, inside a repeatable group, `item` (the entry).
 */
export function validateAnswers(form: FormDefinition, answers: unknown, ctx: ValidationContext): ValidationResult {
  return new AnswerValidation(form, ctx).run(isPlainObject(answers) ? answers : {});
}

class AnswerValidation {
  private readonly today: string;
  private readonly pages: ReadonlySet<string> | undefined;
  /** Errors found in the values themselves, by the path of their item; reported if it is visible. */
  private readonly found = new Map<string, FormFieldError[]>();
  private readonly hidden = new Set<string>();
  private readonly hiddenPages = new Set<string>();
  private readonly errors: FormFieldError[] = [];
  private answers: Answers = {};

  constructor(
    private readonly form: FormDefinition,
    private readonly ctx: ValidationContext,
  ) {
    this.today = (ctx.today && parseDate(ctx.today)) || todayInGermany();
    this.pages = ctx.pageIds ? new Set(ctx.pageIds) : undefined;
  }

  run(input: Record<string, unknown>): ValidationResult {
    for (const page of this.form.pages) this.coerceItems(page.items, input, this.answers, '');
    for (const page of this.form.pages) {
      if (ruleHolds(page.visibleIf, this.data(), true)) this.prune(page.items, this.answers, '');
      else {
        this.hiddenPages.add(page.id);
        for (const item of page.items) this.drop(this.answers, item);
      }
    }
    for (const page of this.form.pages) {
      if (this.hiddenPages.has(page.id) || (this.pages && !this.pages.has(page.id))) continue;
      this.check(page.items, this.answers, '');
    }
    return { answers: this.answers, errors: this.errors };
  }

  private data(item?: Answers): RuleData {
    return { answers: this.answers, params: this.ctx.params, ...(item ? { item } : {}) };
  }

  /** Notes an error of a value (the first per path counts) under the path of its item. */
  private flag(bucket: string, field: string, key: FieldErrorKey, params?: Record<string, unknown>): void {
    const list = this.found.get(bucket) ?? [];
    if (!list.some((e) => e.field === field)) list.push({ field, key, ...(params ? { params } : {}) });
    this.found.set(bucket, list);
  }

  /** Notes an error of a value that is not kept. */
  private fail(bucket: string, field: string, key: FieldErrorKey, params?: Record<string, unknown>): undefined {
    this.flag(bucket, field, key, params);
    return undefined;
  }

  /** Notes an error of a value that is kept as given, to be shown again for correction. */
  private keep<T>(bucket: string, field: string, key: FieldErrorKey, value: T): T {
    this.flag(bucket, field, key);
    return value;
  }

  // ---- 1. values: typed and normalised, every item, visible or not ----

  private coerceItems(items: FormItem[], source: Record<string, unknown>, target: Answers, prefix: string): void {
    for (const item of items) {
      const path = prefix + item.id;
      const value = own(source, item.id);
      let result: unknown;
      if (isGroup(item)) {
        if (!item.repeat) {
          this.coerceItems(item.items, source, target, prefix);
          continue;
        }
        result = this.coerceEntries(item, value, path);
      } else if (isRepeatedField(item)) {
        result = this.coerceRepeated(item, value, path);
      } else {
        result = this.coerceField(item, value, path, path);
      }
      if (result !== undefined) put(target, item.id, result);
    }
  }

  private coerceEntries(group: GroupDefinition, value: unknown, path: string): Answers[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.fail(path, path, 'invalid');
    const max = entryLimit(group.repeat);
    if (value.length > max) this.flag(path, path, 'max_items', { max });
    const entries = value.slice(0, max).map((raw: unknown, i) => {
      const entry: Answers = {};
      if (isPlainObject(raw)) this.coerceItems(group.items, raw, entry, `${path}.${i}.`);
      else this.flag(`${path}.${i}`, `${path}.${i}`, 'invalid');
      return entry;
    });
    const min = group.repeat?.min ?? 0;
    if (entries.length > 0 && entries.length < min) this.flag(path, path, 'min_items', { min });
    return entries.length > 0 ? entries : undefined;
  }

  private coerceRepeated(field: FieldDefinition, value: unknown, path: string): unknown[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.fail(path, path, 'invalid');
    const max = entryLimit(field.repeat);
    const values: unknown[] = [];
    // Empty entries are left out, so the indices of errors are those of the answers returned.
    for (const raw of value.slice(0, max * 2)) {
      const entry = this.coerceField(field, raw, `${path}.${values.length}`, path);
      if (entry !== undefined) values.push(entry);
    }
    if (values.length > max) {
      this.flag(path, path, 'max_items', { max });
      values.length = max;
    }
    const min = field.repeat?.min ?? 0;
    if (values.length > 0 && values.length < min) this.flag(path, path, 'min_items', { min });
    return values.length > 0 ? values : undefined;
  }

  /** One value of a field; undefined when there is none (or it cannot be kept), errors noted. */
  private coerceField(field: FieldDefinition, value: unknown, path: string, bucket: string): unknown {
    if (value === undefined || field.type === 'info') return undefined;
    if (value === null) return this.fail(bucket, path, 'invalid');
    switch (field.type) {
      case 'number':
        return this.coerceNumber(field, value, path, bucket);
      case 'checkboxes':
        return this.coerceCheckboxes(field, value, path, bucket);
      case 'file':
        return this.coerceFiles(field, value, path, bucket);
      case 'address':
        return this.coerceAddress(field, value, path, bucket);
      case 'consent':
        if (value === true) return true;
        return value === false ? undefined : this.fail(bucket, path, 'invalid');
      default:
        return this.coerceText(field, value, path, bucket);
    }
  }

  /**
   * A string as kept: NFC, trimmed, line breaks as `\n`; undefined when empty. Wrong types,
   * control characters and texts far beyond any limit are errors and not kept.
   */
  private cleanText(value: unknown, path: string, bucket: string, maxLength: number, multiline: boolean) {
    if (typeof value !== 'string') return this.fail(bucket, path, 'invalid');
    if (value.length > keepLimit(maxLength) * 2) return this.fail(bucket, path, 'too_long', { max: maxLength });
    if (hasForbiddenCharacters(value, multiline)) return this.fail(bucket, path, 'invalid');
    const text = value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
    return text === '' ? undefined : text;
  }

  private coerceText(field: FieldDefinition, value: unknown, path: string, bucket: string): string | undefined {
    const c = field.constraints ?? {};
    const maxLength = c.maxLength ?? TYPE_MAX_LENGTH[field.type] ?? DEFAULT_MAX_TEXT_LENGTH;
    const text = this.cleanText(value, path, bucket, maxLength, field.type === 'longText');
    if (text === undefined) return undefined;
    const length = textLength(text);
    if (length > maxLength) {
      // Kept to be shown again for correction, unless it is more than any field could hold.
      this.flag(bucket, path, 'too_long', { max: maxLength });
      return length <= keepLimit(maxLength) ? text : undefined;
    }
    let kept = text;
    switch (field.type) {
      case 'select':
      case 'radio':
        if (!optionsOf(this.form, field).some((o) => o.value === text)) return this.fail(bucket, path, 'option');
        return text;
      case 'date':
        return this.coerceDate(field, text, path, bucket);
      case 'email':
        if (!isEmailAddress(text)) return this.keep(bucket, path, 'email', text);
        kept = normaliseEmail(text);
        break;
      case 'phone':
        if (!isPhoneNumber(text)) return this.keep(bucket, path, 'phone', text);
        kept = text.replace(/\s+/g, ' ');
        break;
      case 'iban': {
        const iban = normaliseIban(text);
        if (!iban) return this.keep(bucket, path, 'iban', text);
        kept = iban;
        break;
      }
      case 'licensePlate': {
        const plate = normaliseLicensePlate(text);
        if (!plate) return this.keep(bucket, path, 'license_plate', text);
        kept = plate;
        break;
      }
    }
    if (c.minLength !== undefined && length < c.minLength) this.flag(bucket, path, 'too_short', { min: c.minLength });
    else if (c.pattern !== undefined) {
      const pattern = anchoredPattern(c.pattern);
      if (pattern && (kept.length > PATTERN_INPUT_LIMIT || !pattern.test(kept))) this.flag(bucket, path, 'pattern');
    }
    return kept;
  }

  private coerceDate(field: FieldDefinition, text: string, path: string, bucket: string): string {
    const date = parseDate(text);
    if (!date) return this.keep(bucket, path, 'date', text);
    const bound = (b: string | undefined) => (b === 'today' ? this.today : b === undefined ? undefined : parseDate(b));
    const min = bound(field.constraints?.minDate);
    const max = bound(field.constraints?.maxDate);
    // ISO dates of four-digit years compare as strings.
    if (min && date < min) this.flag(bucket, path, 'date_min', { min });
    else if (max && date > max) this.flag(bucket, path, 'date_max', { max });
    return date;
  }

  private coerceNumber(
    field: FieldDefinition,
    value: unknown,
    path: string,
    bucket: string,
  ): number | string | undefined {
    let n: number | undefined;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return this.fail(bucket, path, 'invalid');
      n = value;
    } else {
      const text = this.cleanText(value, path, bucket, 100, false);
      if (text === undefined) return undefined;
      n = parseGermanNumber(text);
      if (n === undefined)
        return text.length <= 100 ? this.keep(bucket, path, 'number', text) : this.fail(bucket, path, 'number');
    }
    const c = field.constraints ?? {};
    if (c.decimals !== undefined && decimalPlaces(n) > c.decimals)
      this.flag(bucket, path, 'decimals', { decimals: c.decimals });
    else if (c.min !== undefined && n < c.min) this.flag(bucket, path, 'min', { min: c.min });
    else if (c.max !== undefined && n > c.max) this.flag(bucket, path, 'max', { max: c.max });
    return n;
  }

  private coerceCheckboxes(field: FieldDefinition, value: unknown, path: string, bucket: string): string[] | undefined {
    if (!Array.isArray(value) || value.length > 1000) return this.fail(bucket, path, 'invalid');
    const options = optionsOf(this.form, field);
    const chosen = new Set<unknown>(value);
    const values = options.filter((o) => chosen.has(o.value)).map((o) => o.value);
    if (value.some((v) => typeof v !== 'string')) this.flag(bucket, path, 'invalid');
    else if (chosen.size > values.length) this.flag(bucket, path, 'option');
    const c = field.constraints ?? {};
    if (values.length > 0 && c.minItems !== undefined && values.length < c.minItems) {
      this.flag(bucket, path, 'min_items', { min: c.minItems });
    } else if (c.maxItems !== undefined && values.length > c.maxItems) {
      this.flag(bucket, path, 'max_items', { max: c.maxItems });
    }
    return values.length > 0 ? values : undefined;
  }

  private coerceFiles(field: FieldDefinition, value: unknown, path: string, bucket: string): string[] | undefined {
    const ids = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(ids) || ids.length > 1000) return this.fail(bucket, path, 'invalid');
    const held = [...this.attachmentsOf(path), ...(path === field.id ? [] : this.attachmentsOf(field.id))];
    const types = acceptedMediaTypes(field);
    const limit = uploadLimit(field);
    const kept: string[] = [];
    for (const id of ids) {
      const attachment = typeof id === 'string' ? held.find((a) => a.id === id) : undefined;
      if (typeof id !== 'string') this.flag(bucket, path, 'invalid');
      else if (!attachment) this.flag(bucket, path, 'file_missing');
      else if (!types.includes(attachment.mediaType) || attachment.size > limit) this.flag(bucket, path, 'invalid');
      else if (!kept.includes(id)) kept.push(id);
    }
    const max = fileLimit(field);
    const min = field.repeat?.min ?? 0;
    if (kept.length > max) this.flag(bucket, path, 'max_items', { max });
    else if (kept.length > 0 && kept.length < min) this.flag(bucket, path, 'min_items', { min });
    return kept.length > 0 ? kept : undefined;
  }

  private attachmentsOf(key: string): readonly AttachmentRef[] {
    const list = own(this.ctx.attachments ?? {}, key);
    return Array.isArray(list) ? (list as AttachmentRef[]) : [];
  }

  private coerceAddress(field: FieldDefinition, value: unknown, path: string, bucket: string): Answers | undefined {
    if (!isPlainObject(value)) return this.fail(bucket, path, 'invalid');
    const address: Answers = {};
    for (const [part, limit] of ADDRESS_PARTS) {
      const raw = own(value, part);
      if (raw === undefined) continue;
      const text = this.cleanText(raw, `${path}.${part}`, bucket, limit, false);
      if (text === undefined) continue;
      if (textLength(text) > limit) this.flag(bucket, `${path}.${part}`, 'too_long', { max: limit });
      else if (part === 'postalCode' && !isPostalCode(text)) this.flag(bucket, `${path}.${part}`, 'postal_code');
      put(address, part, text);
    }
    if (Object.keys(address).length === 0) return undefined;
    // Begun is to be finished: a part left out of an address that has others is missing.
    for (const [part] of ADDRESS_PARTS) {
      if (!Object.hasOwn(address, part)) this.flag(bucket, `${path}.${part}`, 'required');
    }
    return address;
  }

  // ---- 2. visibility: hidden items leave the answers, in the order of the form ----

  private prune(items: FormItem[], scope: Answers, prefix: string, item?: Answers): void {
    for (const entry of items) {
      if (!ruleHolds(entry.visibleIf, this.data(item), true)) {
        this.drop(scope, entry);
        this.hidden.add(prefix + entry.id);
        continue;
      }
      if (!isGroup(entry)) continue;
      if (!entry.repeat) this.prune(entry.items, scope, prefix, item);
      else {
        const entries = own(scope, entry.id);
        if (Array.isArray(entries)) {
          entries.forEach((e: Answers, i) => this.prune(entry.items, e, `${prefix}${entry.id}.${i}.`, e));
        }
      }
    }
  }

  private drop(scope: Answers, item: FormItem): void {
    if (isGroup(item) && !item.repeat) for (const child of item.items) this.drop(scope, child);
    else delete scope[item.id];
  }

  // ---- 3. what the visible items need ----

  private check(items: FormItem[], scope: Answers, prefix: string, item?: Answers): void {
    for (const entry of items) {
      const path = prefix + entry.id;
      if (this.hidden.has(path)) continue;
      if (isGroup(entry)) {
        if (!entry.repeat) {
          this.check(entry.items, scope, prefix, item);
          continue;
        }
        const entries = own(scope, entry.id);
        const found = this.found.get(path);
        if (found) this.errors.push(...found);
        else if (entries === undefined && (entry.repeat.min ?? 0) > 0)
          this.errors.push({ field: path, key: 'required' });
        if (Array.isArray(entries)) {
          entries.forEach((e: Answers, i) => {
            // An entry that was no object is one error, not one per field it lacks.
            const broken = this.found.get(`${path}.${i}`);
            if (broken) this.errors.push(...broken);
            else this.check(entry.items, e, `${path}.${i}.`, e);
          });
        }
        continue;
      }
      this.checkField(entry, own(scope, entry.id), path, item);
    }
  }

  private checkField(field: FieldDefinition, value: unknown, path: string, item?: Answers): void {
    if (field.type === 'info') return;
    const found = this.found.get(path);
    if (found) {
      this.errors.push(...found);
      return;
    }
    const data = this.data(item);
    if (value === undefined) {
      const required =
        field.required === true ||
        (field.requiredIf !== undefined && ruleHolds(field.requiredIf, data, false)) ||
        (isRepeatedField(field) && (field.repeat?.min ?? 0) > 0);
      if (required) this.errors.push({ field: path, key: field.type === 'consent' ? 'consent' : 'required' });
      return;
    }
    const failed = (field.validations ?? []).find((v) => !ruleHolds(v.rule, data, false));
    if (failed) this.errors.push({ field: path, key: 'rule', message: failed.message });
  }
}
