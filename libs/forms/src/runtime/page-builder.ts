import type { FieldDefinition, FormItem, FormPage, GroupDefinition, Rule } from '../form.model';
import { isGroup } from '../form.model';
import { formatIban } from './field-formats';
import { describeCondition } from './condition-text';
import {
  Answers,
  entryLimit,
  isPlainObject,
  isRepeatedField,
  optionsOf,
  own,
  ruleHolds,
  ruleVariables,
} from './form-structure';
import { acceptedMediaTypes, fileLimit, mediaTypeNames, uploadLimit } from './upload-check';
import { ViewContext, fieldDomId } from './view-context';
import { numberText, scalarText, shortLabel, sizeText } from './value-text';

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

/** Builds the controls of one page, collecting the error summary in the order of the page. */
export class PageBuilder {
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
