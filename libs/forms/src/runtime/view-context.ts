import { LocalizedText, localized } from '@openrathaus/i18n';
import type { FormDefinition, FormItem } from '../form.model';
import { isGroup } from '../form.model';
import { parseDate, todayInGermany } from './field-formats';
import type { FormFieldError } from './form-errors';
import { Answers, own } from './form-structure';
import type { AttachmentRef } from './validate-answers';
import { dateText, numberText, shortLabel } from './value-text';

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
  /** Translates the form's own texts (`forms.*`, `errors.field.*`) in `locale`. */
  t: Translate;
  /** Today as ISO date, for date limits shown to the browser; default: today in Germany. */
  today?: string;
}

/** The DOM id of an answer's control: `field-vorname`, `field-kinder-0-vorname`, `field-anschrift-postalCode`. */
export const fieldDomId = (path: string): string => `field-${path.replace(/\./g, '-')}`;

/** Everything a view needs to say about the form: labels by id, texts, errors. */
export class ViewContext {
  readonly t: Translate;
  readonly fields = new Map<string, FormItem>();
  readonly locale: string;
  readonly today: string;
  private readonly errorsByPath = new Map<string, (FormFieldError & { text?: string })[]>();

  constructor(
    readonly form: FormDefinition,
    readonly options: FormViewOptions,
  ) {
    this.t = options.t;
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

  text(text: LocalizedText | undefined): string {
    return localized(text, this.locale);
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
