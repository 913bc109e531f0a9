import { I18n } from '@openrathaus/web';
import type { FieldDefinition, FormDefinition, FormItem, FormPage, GroupDefinition, Rule } from '../form.model';
import { isGroup } from '../form.model';
import { formatIban, parseDate, todayInGermany } from './field-formats';
import type { FormFieldError } from './form-errors';
import { pageOfField, visiblePages } from './form-navigation';
import {
  Answers,
  entryLimit,
  isPlainObject,
  isRepeatedField,
  localize,
  optionsOf,
  own,
  ruleHolds,
  ruleVariables,
} from './form-structure';
import { acceptedMediaTypes, fileLimit, mediaTypeNames, uploadLimit } from './upload-check';
import type { AttachmentRef } from './validate-answers';

/** Translates a key of the locales with parameters, in the page's language. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** What the form and summary views need besides the form. */
export interface FormViewOptions {
  /** The answers to show: stored ones, or those just posted (as {@link validateAnswers} returned them). */
  answers: Answers;
  /** Errors to show; one that carries a ready `text` is shown with it. */
  errors?: readonly (FormFieldError & { text?: string })[];
  locale: string;
  params: Record<string, unknown>;
  /** The application's attachments by field id or answer path, for file names and sizes. */
  attachments?: Record<string, readonly AttachmentRef[]>;
  csrfToken?: string;
  /** Where the form posts to; default: the page's own URL. */
  action?: string;
  /** The URL of a form page, for the step list and "Ändern"; default: the page id (relative URL). */
  editUrl?: (pageId: string) => string;
  /** Translator; default: the platform's catalogue (`@openrathaus/web` I18n) in `locale`. */
  t?: Translate;
  /** Today as ISO date, for date limits shown to the browser; default: today in Germany. */
  today?: string;
}

/** A control of the form as the `form-*` partials render it; `partial` names the partial. */
export interface FieldView {
  partial: string;
  /** DOM id of the control the error summary links to: `field-<path with - for .>` ({@link fieldDomId}). */
  id: string;
  name: string;
  label: string;
  /** Neither required nor conditionally required: the label says "optional". */
  optional: boolean;
  hint?: string;
  hintId?: string;
  /** When the field applies, for fields whose rule reads answers of the same page (no JavaScript). */
  condition?: string;
  conditionId?: string;
  error?: string;
  errorId?: string;
  describedBy?: string;
  invalid: boolean;
  [more: string]: unknown;
}

export interface ErrorLink {
  href: string;
  text: string;
}

/**
 * The view of a form page. Spread it into the page data (`{ ...base, ...view }`); its keys do
 * not clash with the layout's (`title` stays the document title: set it to `documentTitle`).
 */
export interface FormPageView {
  pageId: string;
  pageTitle: string;
  description?: string;
  /** For `<title>`: the page title, prefixed "Fehler:" when there are errors. */
  documentTitle: string;
  action: string;
  csrfToken?: string;
  /** The page has a file field: the form posts `multipart/form-data`. */
  multipart: boolean;
  step: { current: number; total: number };
  steps: { title: string; url?: string; current: boolean; done: boolean }[];
  errors: ErrorLink[];
  items: FieldView[];
  hasPrevious: boolean;
}

export interface SummaryRow {
  label: string;
  lines: string[];
}

/** The view of the summary; spread it into the page data like {@link FormPageView}. */
export interface FormSummaryView {
  documentTitle: string;
  action: string;
  csrfToken?: string;
  errors: ErrorLink[];
  pages: { id: string; number: number; title: string; editUrl: string; rows: SummaryRow[] }[];
}

let sharedI18n: I18n | undefined;

function translator(options: FormViewOptions): Translate {
  if (options.t) return options.t;
  sharedI18n ??= new I18n();
  const i18n = sharedI18n;
  return (key, params) => i18n.t(options.locale, key, params);
}

/** The DOM id of an answer's control: `field-vorname`, `field-kinder-0-vorname`, `field-anschrift-postalCode`. */
export const fieldDomId = (path: string): string => `field-${path.replace(/\./g, '-')}`;

const intlLocale = (locale: string): string => (locale === 'en' ? 'en-GB' : 'de-DE');

function numberText(n: number, locale: string, grouping: boolean): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 20, useGrouping: grouping }).format(n);
}

/** An ISO date as people read it: `01.02.1980`, `1 February 1980`. */
export function dateText(iso: string, locale: string): string {
  if (!parseDate(iso) || !/^\d{4}-/.test(iso)) return iso;
  const options: Intl.DateTimeFormatOptions =
    locale === 'en'
      ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
      : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(intlLocale(locale), options).format(new Date(`${iso}T00:00:00Z`));
}

function sizeText(bytes: number, locale: string): string {
  const format = (n: number) => numberText(Math.round(n * 10) / 10, locale, true);
  return bytes >= 1024 * 1024 ? `${format(bytes / 1024 / 1024)} MB` : `${format(Math.max(bytes, 1) / 1024)} KB`;
}

/** A label short enough to name a field inside a message (consent texts are whole paragraphs). */
function shortLabel(label: string): string {
  if (label.length <= 80) return label;
  const cut = label.slice(0, 80);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).trimEnd()} …`;
}

const AUTOCOMPLETE: Record<string, string> = {
  vorname: 'given-name',
  vornamen: 'given-name',
  nachname: 'family-name',
  familienname: 'family-name',
  geburtsdatum: 'bday',
  email: 'email',
  telefon: 'tel',
};

const ADDRESS_PARTS = [
  ['street', 'address-line1'],
  ['houseNumber', undefined],
  ['postalCode', 'postal-code'],
  ['city', 'address-level2'],
] as const;

/** Everything a view needs to say about the form: labels by id, texts, errors. */
class ViewContext {
  readonly t: Translate;
  readonly fields = new Map<string, FormItem>();
  readonly locale: string;
  readonly today: string;
  private readonly errorsByPath = new Map<string, (FormFieldError & { text?: string })[]>();

  constructor(
    readonly form: FormDefinition,
    readonly options: FormViewOptions,
  ) {
    this.t = translator(options);
    this.locale = options.locale;
    this.today = (options.today && parseDate(options.today)) || todayInGermany();
    for (const page of form.pages) this.index(page.items);
    for (const error of options.errors ?? []) {
      const list = this.errorsByPath.get(error.field) ?? [];
      list.push(error);
      this.errorsByPath.set(error.field, list);
    }
  }

  private index(items: FormItem[]): void {
    for (const item of items) {
      this.fields.set(item.id, item);
      if (isGroup(item)) this.index(item.items);
    }
  }

  text(text: Parameters<typeof localize>[0]): string {
    return localize(text, this.locale);
  }

  label(item: FormItem): string {
    return isGroup(item) ? this.text(item.title) : this.text(item.label ?? item.text);
  }

  errorAt(path: string): (FormFieldError & { text?: string }) | undefined {
    return this.errorsByPath.get(path)?.[0];
  }

  /** The error's text, naming the field by `label` where the text needs it. */
  errorText(error: FormFieldError & { text?: string }, label: string): string {
    if (typeof error.text === 'string' && error.text) return error.text;
    if (error.message) return this.text(error.message);
    const params: Record<string, unknown> = { ...error.params, field: shortLabel(label) };
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'number') params[key] = numberText(value, this.locale, true);
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) params[key] = dateText(value, this.locale);
    }
    return this.t(`errors.field.${error.key}`, params);
  }

  attachment(path: string, fieldId: string, id: string): AttachmentRef | undefined {
    const all = this.options.attachments ?? {};
    for (const key of [path, fieldId]) {
      const list = own(all, key);
      const found = Array.isArray(list) ? (list as AttachmentRef[]).find((a) => a.id === id) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  pageUrl(pageId: string): string {
    return this.options.editUrl ? this.options.editUrl(pageId) : encodeURIComponent(pageId);
  }
}

/** Builds the controls of one page, collecting the error summary in the order of the page. */
class PageBuilder {
  readonly summary: ErrorLink[] = [];
  multipart = false;
  private readonly pageItemIds = new Set<string>();

  constructor(
    private readonly c: ViewContext,
    page: FormPage,
  ) {
    const collect = (items: FormItem[]) =>
      items.forEach((item) => {
        this.pageItemIds.add(item.id);
        if (isGroup(item)) collect(item.items);
      });
    collect(page.items);
  }

  items(items: FormItem[], scope: Answers, prefix: string, context: string, entry?: Answers): FieldView[] {
    const views: FieldView[] = [];
    for (const item of items) {
      const condition = this.condition(item.visibleIf, entry);
      if (condition === false) continue;
      const path = prefix + item.id;
      let view: FieldView;
      if (isGroup(item))
        view = item.repeat
          ? this.repeatedGroup(item, scope, path, context)
          : this.group(item, scope, prefix, context, entry);
      else if (isRepeatedField(item)) view = this.repeatedField(item, own(scope, item.id), path, context);
      else view = this.field(item, this.valueOf(item, scope), path, context);
      if (typeof condition === 'string') {
        view.condition = condition;
        view.conditionId = `${view.id}--condition`;
        view.describedBy = [view.describedBy, view.conditionId].filter(Boolean).join(' ');
      }
      views.push(view);
    }
    return views;
  }

  /**
   * Whether to show an item: `true`; `false` (its rule fails on answers of earlier pages); or the
   * text of when it applies, when its rule reads answers of this page: without JavaScript such a
   * field is shown with that text, and validation decides on the answers posted.
   */
  private condition(rule: Rule | undefined, entry?: Answers): boolean | string {
    if (rule === undefined) return true;
    const names = ruleVariables(rule);
    const local = names.filter(
      (n) => n.startsWith('item.') || (n.startsWith('answers.') && this.pageItemIds.has(n.split('.')[1])),
    );
    if (local.length === 0) {
      return ruleHolds(
        rule,
        { answers: this.c.options.answers, params: this.c.options.params, ...(entry ? { item: entry } : {}) },
        true,
      );
    }
    return describeCondition(rule, this.c) ?? this.c.t('forms.condition.depends', { field: this.fieldName(local[0]) });
  }

  private fieldName(variable: string): string {
    const item = this.c.fields.get(variable.split('.')[1] ?? '');
    return item ? shortLabel(this.c.label(item)) : variable;
  }

  private valueOf(field: FieldDefinition, scope: Answers): unknown {
    return Object.hasOwn(scope, field.id) ? scope[field.id] : field.default;
  }

  /** Label, hint, error and their ids, common to every control. */
  private base(field: FieldDefinition, path: string, partial: string, context: string, href?: string): FieldView {
    const id = fieldDomId(path);
    const label = this.c.label(field);
    const hint = this.c.text(field.hint) || undefined;
    const view: FieldView = {
      partial,
      id,
      name: path,
      label,
      // Some definitions say "(optional)" in the label already.
      optional:
        field.required !== true && field.requiredIf === undefined && field.type !== 'info' && !/optional/i.test(label),
      invalid: false,
      ...(hint ? { hint, hintId: `${id}--hint` } : {}),
    };
    this.attachError(view, path, context ? `${context}, ${label}` : label, href ?? `#${id}`);
    view.describedBy = [view.hintId, view.errorId].filter(Boolean).join(' ') || undefined;
    return view;
  }

  private attachError(view: FieldView, path: string, label: string, href: string): void {
    const error = this.c.errorAt(path);
    if (!error) return;
    const text = this.c.errorText(error, label);
    view.error = text;
    view.errorId = `${view.id}--error`;
    view.invalid = true;
    this.summary.push({ href, text });
  }

  private field(field: FieldDefinition, value: unknown, path: string, context: string): FieldView {
    const { locale } = this.c;
    switch (field.type) {
      case 'info':
        return {
          partial: 'form-field-info',
          id: fieldDomId(path),
          name: path,
          label: '',
          optional: false,
          invalid: false,
          text: this.c.text(field.text),
        };
      case 'longText':
        return { ...this.base(field, path, 'form-field-textarea', context), value: scalarText(value) };
      case 'select':
      case 'radio':
      case 'checkboxes':
        return this.choice(field, value, path, context);
      case 'consent':
        return { ...this.base(field, path, 'form-field-consent', context), checked: value === true };
      case 'address':
        return this.address(field, value, path, context);
      case 'file':
        return this.file(field, value, path, context);
      default: {
        const view = this.base(field, path, 'form-field-input', context);
        const input = INPUTS[field.type] ?? INPUTS.text;
        let shown = scalarText(value);
        if (typeof value === 'number') shown = numberText(value, locale, false);
        if (field.type === 'iban' && typeof value === 'string' && /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(value))
          shown = formatIban(value);
        const bound = (b: string | undefined) => (b === 'today' ? this.c.today : b);
        return {
          ...view,
          ...input,
          ...(field.type === 'number' ? { inputMode: field.constraints?.decimals === 0 ? 'numeric' : 'decimal' } : {}),
          ...(field.type === 'date'
            ? { min: bound(field.constraints?.minDate), max: bound(field.constraints?.maxDate) }
            : {}),
          // Autofill is for the citizen's own data, not for the people of a repeated group.
          autocomplete: path.includes('.') ? undefined : (input.autocomplete ?? AUTOCOMPLETE[field.id.toLowerCase()]),
          value: shown,
        };
      }
    }
  }

  private choice(field: FieldDefinition, value: unknown, path: string, context: string): FieldView {
    const chosen = new Set(Array.isArray(value) ? value : [value]);
    const options = optionsOf(this.c.form, field).map((option, i) => ({
      id: i === 0 ? fieldDomId(path) : `${fieldDomId(path)}--${i + 1}`,
      value: option.value,
      label: this.c.text(option.label),
      checked: chosen.has(option.value),
    }));
    if (field.type === 'select') {
      return { ...this.base(field, path, 'form-field-select', context), options };
    }
    return {
      ...this.base(field, path, 'form-field-choices', context),
      control: field.type === 'radio' ? 'radio' : 'checkbox',
      options,
    };
  }

  private address(field: FieldDefinition, value: unknown, path: string, context: string): FieldView {
    const view = this.base(field, path, 'form-field-address', context, `#${fieldDomId(`${path}.street`)}`);
    const label = context ? `${context}, ${view.label}` : view.label;
    const answer = isPlainObject(value) ? value : {};
    view.parts = ADDRESS_PARTS.map(([part, autocomplete]) => {
      const partLabel = this.c.t(`forms.address.${part}`);
      const partView: FieldView = {
        partial: '',
        id: fieldDomId(`${path}.${part}`),
        name: `${path}.${part}`,
        label: partLabel,
        optional: false,
        invalid: view.invalid,
        value: scalarText(own(answer, part)),
        autocomplete: path.includes('.') ? undefined : autocomplete,
        short: part === 'postalCode' || part === 'houseNumber',
        inputMode: part === 'postalCode' ? 'numeric' : undefined,
      };
      this.attachError(partView, `${path}.${part}`, `${shortLabel(label)}, ${partLabel}`, `#${partView.id}`);
      partView.describedBy = [view.errorId, partView.errorId].filter(Boolean).join(' ') || undefined;
      return partView;
    });
    return view;
  }

  private file(field: FieldDefinition, value: unknown, path: string, context: string): FieldView {
    this.multipart = true;
    const { locale } = this.c;
    const ids = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const files = ids.map((id) => {
      const attachment = this.c.attachment(path, field.id, id);
      return {
        id,
        filename: attachment?.filename ?? id,
        size: attachment ? sizeText(attachment.size, locale) : '',
        removeValue: `remove-file:${id}`,
      };
    });
    const types = acceptedMediaTypes(field);
    const view = this.base(field, path, 'form-field-file', context);
    const formatsId = `${view.id}--formats`;
    return {
      ...view,
      describedBy: [view.hintId, formatsId, view.errorId].filter(Boolean).join(' '),
      formatsId,
      formats: this.c.t('forms.file.formats', {
        types: mediaTypeNames(types),
        max: sizeText(uploadLimit(field), locale),
      }),
      accept: types.join(','),
      files,
      canAdd: files.length < fileLimit(field),
      uploadValue: `upload:${path}`,
    };
  }

  private group(group: GroupDefinition, scope: Answers, prefix: string, context: string, entry?: Answers): FieldView {
    const id = fieldDomId(prefix + group.id);
    const description = this.c.text(group.description) || undefined;
    return {
      partial: 'form-group',
      id,
      name: prefix + group.id,
      label: this.c.text(group.title),
      optional: false,
      invalid: false,
      ...(description ? { hint: description, hintId: `${id}--hint`, describedBy: `${id}--hint` } : {}),
      items: this.items(group.items, scope, prefix, context, entry),
    };
  }

  private repeatedGroup(group: GroupDefinition, scope: Answers, path: string, context: string): FieldView {
    const id = fieldDomId(path);
    const title = this.c.text(group.title);
    const answered = own(scope, group.id);
    const entries: Answers[] = Array.isArray(answered) ? answered.map((e) => (isPlainObject(e) ? e : {})) : [];
    const min = group.repeat?.min ?? 0;
    while (entries.length < min) entries.push({});
    const max = entryLimit(group.repeat);
    const description = this.c.text(group.description) || undefined;
    const view: FieldView = {
      partial: 'form-repeat',
      id,
      name: path,
      label: title,
      optional: false,
      invalid: false,
      ...(description ? { hint: description, hintId: `${id}--hint` } : {}),
    };
    this.attachError(view, path, context ? `${context}, ${title}` : title, `#${id}`);
    view.describedBy = [view.hintId, view.errorId].filter(Boolean).join(' ') || undefined;
    view.count = entries.length;
    view.entries = entries.map((entry, i) => {
      const legend = `${title} ${i + 1}`;
      const entryView: FieldView = {
        partial: '',
        id: fieldDomId(`${path}.${i}`),
        name: `${path}.${i}`,
        label: legend,
        optional: false,
        invalid: false,
      };
      this.attachError(entryView, `${path}.${i}`, legend, `#${entryView.id}`);
      return {
        ...entryView,
        legend,
        items: this.items(group.items, entry, `${path}.${i}.`, context ? `${context}, ${legend}` : legend, entry),
        removeValue: entries.length > min ? `remove:${path}.${i}` : undefined,
      };
    });
    view.addValue = entries.length < max ? `add:${path}` : undefined;
    return view;
  }

  private repeatedField(field: FieldDefinition, value: unknown, path: string, context: string): FieldView {
    const values = Array.isArray(value) ? [...(value as unknown[])] : [];
    const max = entryLimit(field.repeat);
    // One empty slot more than answered, so a further value can be typed without a button.
    const count = Math.min(Math.max(values.length + 1, field.repeat?.min ?? 1), max);
    const view = this.base(field, path, 'form-repeat-field', context);
    const label = view.label;
    view.count = count;
    view.entries = Array.from({ length: count }, (_, i) => {
      const entryLabel = `${label} ${i + 1}`;
      const single = this.field(
        { ...field, repeat: undefined, label: { de: entryLabel } },
        values[i],
        `${path}.${i}`,
        context,
      );
      const needed = i < (field.repeat?.min ?? 0) || (i === 0 && field.required === true);
      return {
        field: { ...single, label: entryLabel, optional: !needed },
        removeValue: i < values.length ? `remove:${path}.${i}` : undefined,
      };
    });
    view.addValue = count < max ? `add:${path}` : undefined;
    return view;
  }
}

const INPUTS: Record<
  string,
  { inputType: string; autocomplete?: string; noSpellcheck?: boolean; short?: boolean; upper?: boolean }
> = {
  text: { inputType: 'text' },
  email: { inputType: 'email', autocomplete: 'email', noSpellcheck: true },
  phone: { inputType: 'tel', autocomplete: 'tel' },
  number: { inputType: 'text', short: true },
  date: { inputType: 'date', short: true },
  iban: { inputType: 'text', noSpellcheck: true, upper: true },
  licensePlate: { inputType: 'text', noSpellcheck: true, upper: true, short: true },
};

const scalarText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

/** The few rule shapes a person can read: "only if you answer X with Y". Others get the generic text. */
function describeCondition(rule: Rule, c: ViewContext): string | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return undefined;
  const [op] = Object.keys(rule);
  const args = (rule as Record<string, Rule>)[op];
  const list = Array.isArray(args) ? args : [args];
  const variable = (r: Rule | undefined): string | undefined => {
    if (r === null || typeof r !== 'object' || Array.isArray(r) || !('var' in r)) return undefined;
    const name = Array.isArray(r.var) ? r.var[0] : r.var;
    return typeof name === 'string' && /^(answers|item)\.[A-Za-z][A-Za-z0-9_]*$/.test(name)
      ? name.split('.')[1]
      : undefined;
  };
  const literal = (r: Rule | undefined): string | undefined =>
    typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean' ? String(r) : undefined;
  const named = (id: string) => {
    const item = c.fields.get(id);
    return { item, field: item ? shortLabel(c.label(item)) : id };
  };
  const valueLabel = (item: FormItem | undefined, value: string): string => {
    if (item && !isGroup(item)) {
      const option = optionsOf(c.form, item).find((o) => o.value === value);
      if (option) return c.text(option.label);
      if (item.type === 'consent' && value === 'true') return c.t('forms.summary.consented');
    }
    return value;
  };
  if (op === '==' || op === '===' || op === '!=' || op === '!==') {
    const id = variable(list[0]) ?? variable(list[1]);
    const value = variable(list[0]) ? literal(list[1]) : literal(list[0]);
    if (!id || value === undefined) return undefined;
    const { item, field } = named(id);
    const key = op.startsWith('!') ? 'forms.condition.notEquals' : 'forms.condition.equals';
    return c.t(key, { field, value: valueLabel(item, value) });
  }
  if (op === 'in' && literal(list[0]) !== undefined && variable(list[1])) {
    const { item, field } = named(variable(list[1]) as string);
    return c.t('forms.condition.includes', { field, value: valueLabel(item, literal(list[0]) as string) });
  }
  if (op === 'in' && variable(list[0]) && Array.isArray(list[1])) {
    const { item, field } = named(variable(list[0]) as string);
    const values = list[1].map(literal).filter((v): v is string => v !== undefined);
    return c.t('forms.condition.oneOf', { field, values: values.map((v) => valueLabel(item, v)).join(', ') });
  }
  if (op === '!' && list.length === 1) {
    const inner = list[0];
    if (
      inner !== null &&
      typeof inner === 'object' &&
      !Array.isArray(inner) &&
      'in' in inner &&
      Array.isArray(inner.in)
    ) {
      const [value, holder] = inner.in;
      const id = variable(holder);
      if (literal(value) !== undefined && id) {
        const { item, field } = named(id);
        return c.t('forms.condition.excludes', { field, value: valueLabel(item, literal(value) as string) });
      }
    }
    return undefined;
  }
  if (op === 'var' || op === '!!') {
    const id = variable(op === 'var' ? rule : list[0]);
    return id ? c.t('forms.condition.given', { field: named(id).field }) : undefined;
  }
  return undefined;
}

/**
 * The view of one form page for `application-form.hbs`: title, steps, error summary, and every
 * visible item as the `form-*` partials render it. Undefined for a page the form does not have.
 */
export function pageView(form: FormDefinition, pageId: string, options: FormViewOptions): FormPageView | undefined {
  const page = form.pages.find((p) => p.id === pageId);
  if (!page) return undefined;
  const c = new ViewContext(form, options);
  const builder = new PageBuilder(c, page);
  const items = builder.items(page.items, options.answers, '', '');
  const pages = visiblePages(form, options.answers, options.params);
  const current = Math.max(
    0,
    pages.findIndex((p) => p.id === pageId),
  );
  const title = c.text(page.title);
  return {
    pageId,
    pageTitle: title,
    ...(page.description ? { description: c.text(page.description) } : {}),
    documentTitle: builder.summary.length > 0 ? c.t('forms.errors.documentTitle', { title }) : title,
    action: options.action ?? '',
    ...(options.csrfToken ? { csrfToken: options.csrfToken } : {}),
    multipart: builder.multipart,
    step: { current: current + 1, total: Math.max(pages.length, 1) },
    steps: pages.map((p, i) => ({
      title: c.text(p.title),
      current: i === current,
      done: i < current,
      ...(i < current ? { url: c.pageUrl(p.id) } : {}),
    })),
    errors: builder.summary,
    items,
    hasPrevious: current > 0,
  };
}

/**
 * The view of the summary for `application-summary.hbs`: every visible page with its answers as
 * a definition list and a link to change them, then the button that submits. Errors (from a
 * failed submission) link to the page that asks for the field.
 */
export function summaryView(form: FormDefinition, options: FormViewOptions): FormSummaryView {
  const c = new ViewContext(form, options);
  const pages = visiblePages(form, options.answers, options.params);
  const errors = (options.errors ?? []).map((error) => {
    const page = pageOfField(form, error.field);
    return { href: page ? c.pageUrl(page) : '#', text: c.errorText(error, labelOfPath(c, error.field)) };
  });
  const title = c.t('forms.summary.title');
  return {
    documentTitle: errors.length > 0 ? c.t('forms.errors.documentTitle', { title }) : title,
    action: options.action ?? '',
    ...(options.csrfToken ? { csrfToken: options.csrfToken } : {}),
    errors,
    pages: pages.map((page, i) => ({
      id: page.id,
      number: i + 1,
      title: c.text(page.title),
      editUrl: c.pageUrl(page.id),
      rows: summaryRows(c, page.items, options.answers, '', ''),
    })),
  };
}

/** A readable name for an answer path: `Person 2, Familienname`, `Anschrift, Postleitzahl`. */
function labelOfPath(c: ViewContext, path: string): string {
  const parts = path.split('.');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const item = c.fields.get(parts[i]);
    if (item) {
      const label = c.label(item);
      const next = parts[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        names.push(`${label} ${Number(next) + 1}`);
        i++;
      } else names.push(label);
    } else if (['street', 'houseNumber', 'postalCode', 'city'].includes(parts[i])) {
      names.push(c.t(`forms.address.${parts[i]}`));
    }
  }
  return names.map(shortLabel).join(', ') || path;
}

function summaryRows(
  c: ViewContext,
  items: FormItem[],
  scope: Answers,
  prefix: string,
  context: string,
  entry?: Answers,
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const data = { answers: c.options.answers, params: c.options.params, ...(entry ? { item: entry } : {}) };
  for (const item of items) {
    if (!ruleHolds(item.visibleIf, data, true)) continue;
    const value = own(scope, item.id);
    if (isGroup(item)) {
      if (!item.repeat) rows.push(...summaryRows(c, item.items, scope, prefix, context, entry));
      else {
        const entries = Array.isArray(value) ? value : [];
        entries.forEach((e, i) => {
          const legend = `${c.text(item.title)} ${i + 1}`;
          const inner = isPlainObject(e) ? e : {};
          rows.push(
            ...summaryRows(
              c,
              item.items,
              inner,
              `${prefix}${item.id}.${i}.`,
              context ? `${context}, ${legend}` : legend,
              inner,
            ),
          );
        });
        if (entries.length === 0) rows.push({ label: c.text(item.title), lines: [c.t('forms.summary.empty')] });
      }
      continue;
    }
    if (item.type === 'info') continue;
    const label = c.label(item);
    const values = isRepeatedField(item) ? (Array.isArray(value) ? value : []) : [value];
    const lines = values.flatMap((v) => answerLines(c, item, v, prefix + item.id));
    rows.push({
      label: context ? `${context}: ${label}` : label,
      lines: lines.length > 0 ? lines : [c.t('forms.summary.empty')],
    });
  }
  return rows;
}

/** An answer as lines of text for the summary. */
function answerLines(c: ViewContext, field: FieldDefinition, value: unknown, path: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const option = (v: unknown) => {
    const found = optionsOf(c.form, field).find((o) => o.value === v);
    return found ? c.text(found.label) : scalarText(v);
  };
  switch (field.type) {
    case 'number':
      return [typeof value === 'number' ? numberText(value, c.locale, true) : scalarText(value)];
    case 'date':
      return [typeof value === 'string' ? dateText(value, c.locale) : ''];
    case 'select':
    case 'radio':
      return [option(value)];
    case 'checkboxes':
      return Array.isArray(value) ? value.map(option) : [];
    case 'consent':
      return value === true ? [c.t('forms.summary.consented')] : [];
    case 'iban':
      return [typeof value === 'string' ? formatIban(value) : ''];
    case 'longText':
      return scalarText(value).split('\n');
    case 'address': {
      if (!isPlainObject(value)) return [];
      const part = (key: string) => scalarText(own(value, key));
      return [`${part('street')} ${part('houseNumber')}`.trim(), `${part('postalCode')} ${part('city')}`.trim()].filter(
        Boolean,
      );
    }
    case 'file':
      return (Array.isArray(value) ? value : [value])
        .filter((id): id is string => typeof id === 'string')
        .map((id) => c.attachment(path, field.id, id)?.filename ?? id);
    default:
      return [scalarText(value)];
  }
}
