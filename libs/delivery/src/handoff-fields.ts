import type { FieldDefinition, FormDefinition, FormItem } from '@openrathaus/forms';
import { isGroup } from '@openrathaus/forms';
import type { HandoffAnswer } from './delivery-target.strategy';

type Answers = Record<string, unknown>;

const isObject = (value: unknown): value is Answers =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The answers as a flat list in the form's order: each with its path, its German label (a
 * repeated group's entries numbered: `Person 2 – Familienname`) and the FIM data field id where the
 * form was imported from XDatenfelder. Files are not among them: they travel as files.
 */
export function handoffFields(form: FormDefinition, answers: Answers): HandoffAnswer[] {
  const out: HandoffAnswer[] = [];
  for (const page of form.pages) walk(form, page.items, answers, '', '', out);
  return out;
}

function walk(
  form: FormDefinition,
  items: FormItem[],
  scope: Answers,
  prefix: string,
  context: string,
  out: HandoffAnswer[],
): void {
  for (const item of items) {
    if (isGroup(item)) {
      const title = item.title.de ?? item.id;
      if (item.repeat) {
        const entries = scope[item.id];
        if (!Array.isArray(entries)) continue;
        entries.forEach((entry, i) => {
          if (isObject(entry))
            walk(form, item.items, entry, `${prefix}${item.id}.${i}.`, `${context}${title} ${i + 1} – `, out);
        });
      } else walk(form, item.items, scope, prefix, context, out);
      continue;
    }
    if (item.type === 'info' || item.type === 'file') continue;
    const value = scope[item.id];
    if (value === undefined || value === null || value === '') continue;
    out.push({
      path: `${prefix}${item.id}`,
      label: `${context}${item.label?.de ?? item.id}`,
      ...(item.source?.id ? { fimId: item.source.id } : {}),
      value,
      text: answerText(form, item, value),
    });
  }
}

/** An answer as a line of text for people (the PDF summary, the e-mail): choices by their label, addresses in one line. */
export function answerText(form: FormDefinition, field: FieldDefinition | undefined, value: unknown): string {
  const options = field
    ? (field.options ?? (field.codeList ? form.codeLists?.[field.codeList]?.options : undefined))
    : undefined;
  const one = (v: unknown): string => {
    if (typeof v === 'boolean') return v ? 'ja' : 'nein';
    if (typeof v === 'string' && options) return options.find((o) => o.value === v)?.label.de ?? v;
    if (isObject(v)) {
      const a = v as Record<string, string | undefined>;
      if ('street' in a || 'postalCode' in a) {
        return [[a.street, a.houseNumber].filter(Boolean).join(' '), [a.postalCode, a.city].filter(Boolean).join(' ')]
          .filter(Boolean)
          .join(', ');
      }
      return JSON.stringify(v);
    }
    return String(v);
  };
  return Array.isArray(value) ? value.map(one).join(', ') : one(value);
}
