import type { FastifyRequest } from 'fastify';
import { DomainError, FieldFault } from '@openrathaus/core';
import type { ErrorResponder } from '../http/error-responder.service';

/** One input of a console form. */
export interface OperatorField {
  name: string;
  type: 'text' | 'email' | 'password';
  autocomplete: string;
  maxlength: number;
  /** i18n key of its label. */
  label: string;
  hint?: string;
  inputmode?: 'numeric' | 'text';
  required?: boolean;
  /** Fault fields (as the domain names them) shown at this input. */
  faults?: RegExp;
}

/**
 * A console form's view data, empty or after a refused post: faults beside their inputs and in a
 * summary, entered values back (never passwords). Returns the status to answer with too. The
 * shape is that of the back office's forms, so that both share the templates.
 */
export function operatorForm(
  responder: ErrorResponder,
  request: FastifyRequest,
  locale: string,
  t: (key: string, params?: Record<string, unknown>) => string,
  spec: { heading: string; intro: string; submit: string; action: string; csrf: string; fields: OperatorField[] },
  outcome: unknown,
  values: Record<string, unknown> = {},
): { status: number; form: Record<string, unknown>; title: string } {
  let status = 200;
  let faults: FieldFault[] = [];
  const problems: { href?: string; message: string }[] = [];
  if (outcome instanceof DomainError) {
    const body = responder.body(outcome, request);
    status = body.statusCode;
    faults = outcome.fields;
    if (!faults.length) problems.push({ message: body.message });
  } else if (outcome !== undefined) {
    throw outcome instanceof Error ? outcome : new Error('unexpected outcome of a form');
  }
  const fieldOf = (fault: FieldFault) => spec.fields.find((f) => f.name === fault.field || f.faults?.test(fault.field));
  const message = (fault: FieldFault) => {
    const field = fieldOf(fault);
    const label = field ? t(field.label) : fault.field;
    return `${field ? '' : `${fault.field}: `}${responder.fieldMessage(locale, { ...fault, params: { ...fault.params, field: label } })}`;
  };
  for (const fault of faults) {
    const field = fieldOf(fault);
    problems.push({ href: field ? `#f-${field.name}` : undefined, message: message(fault) });
  }
  const fields = spec.fields.map((f) => {
    const id = `f-${f.name}`;
    const fault = faults.find((x) => fieldOf(x) === f);
    const value = f.type === 'password' ? undefined : values[f.name];
    return {
      id,
      name: f.name,
      label: t(f.label),
      hint: f.hint ? t(f.hint) : undefined,
      type: f.type,
      autocomplete: f.autocomplete,
      inputmode: f.inputmode,
      maxlength: f.maxlength,
      required: f.required !== false,
      spellcheckOff: f.type === 'email' || f.inputmode === 'numeric',
      value: typeof value === 'string' && f.name !== 'code' ? value.slice(0, f.maxlength) : '',
      error: fault ? message(fault) : undefined,
      describedBy: [f.hint ? `${id}-hint` : '', fault ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
    };
  });
  return {
    status,
    title: problems.length ? `${t('account.errors.title')}: ${spec.heading}` : spec.heading,
    form: {
      heading: spec.heading,
      intro: spec.intro,
      action: spec.action,
      csrf: spec.csrf,
      fields,
      problems,
      submit: spec.submit,
    },
  };
}
