import type { FormItem, Rule } from '../form.model';
import { isGroup } from '../form.model';
import { optionsOf } from './form-structure';
import type { ViewContext } from './view-context';
import { shortLabel } from './value-text';

/** The few rule shapes a person can read: "only if you answer X with Y". Others get the generic text. */
export function describeCondition(rule: Rule, c: ViewContext): string | undefined {
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
