import type { Cardinality, ChoiceOption, FieldDefinition, FormDefinition, Rule } from '../form.model';
import { RuleData, Rules } from '../rules';

/** Answers keyed by item id; a repeatable group's answer is a list of such objects. */
export type Answers = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An own property only: an answer keyed `constructor` or `toString` is not the prototype's. */
export const own = (object: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(object, key) ? object[key] : undefined;

/** Sets a property without ever touching the prototype (`__proto__` stays a plain key). */
export function put(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The options of a choice field: its own, or those of the form's code list it names. */
export function optionsOf(form: FormDefinition, field: FieldDefinition): ChoiceOption[] {
  if (field.options) return field.options;
  const lists = form.codeLists ?? {};
  return field.codeList && Object.hasOwn(lists, field.codeList) ? lists[field.codeList].options : [];
}

/** A field answered several times. `repeat` on a file field only bounds its number of files. */
export const isRepeatedField = (field: FieldDefinition): boolean => field.repeat !== undefined && field.type !== 'file';

/** Entries kept of a list without upper bound; more are refused, so no answer grows without end. */
export const DEFAULT_MAX_ENTRIES = 100;

/** How many entries a repeated item may have at most. */
export const entryLimit = (repeat: Cardinality | undefined): number =>
  Math.min(repeat?.max ?? DEFAULT_MAX_ENTRIES, 1000);

/**
 * The one rule engine of the process: the form runtime's pure functions use it, and `FormsModule`
 * provides this same instance to every lib that injects `Rules`.
 */
export const RULES = new Rules();
const rules = RULES;

/** Whether a rule holds; no rule holds, and one that cannot be evaluated counts as `fallback`. */
export function ruleHolds(rule: Rule | undefined, data: RuleData, fallback: boolean): boolean {
  if (rule === undefined) return true;
  try {
    return rules.holds(rule, data);
  } catch {
    return fallback;
  }
}

/** The variables a rule reads (`answers.halter`, `item.euBuerger`, `params.zones`). */
export function ruleVariables(rule: Rule | undefined): string[] {
  const names: string[] = [];
  const walk = (r: Rule | undefined): void => {
    if (Array.isArray(r)) r.forEach(walk);
    else if (r !== null && typeof r === 'object') {
      for (const [op, args] of Object.entries(r)) {
        if (op !== 'var') walk(args);
        else {
          const name = Array.isArray(args) ? args[0] : args;
          if (typeof name === 'string') names.push(name);
        }
      }
    }
  };
  walk(rule);
  return names;
}
