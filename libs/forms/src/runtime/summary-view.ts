import type { FieldDefinition, FormDefinition, FormItem } from '../form.model';
import { isGroup } from '../form.model';
import { formatIban } from './field-formats';
import { pageOfField, visiblePages } from './form-navigation';
import { Answers, isPlainObject, isRepeatedField, optionsOf, own, ruleHolds } from './form-structure';
import type { ErrorLink } from './page-builder';
import { FormViewOptions, ViewContext } from './view-context';
import { dateText, numberText, scalarText, shortLabel } from './value-text';

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
