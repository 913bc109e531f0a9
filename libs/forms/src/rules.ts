import { Injectable } from '@nestjs/common';
import { LogicEngine } from 'json-logic-engine';
import type { Rule } from './form.model';

/** The JSONLogic operators a definition may use; the rest (e.g. `throw`, `eachKey`) are refused. */
export const RULE_OPERATORS: ReadonlySet<string> = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
  'merge',
  'some',
  'all',
  'none',
  'map',
  'filter',
  'reduce',
]);

/** Operators whose later arguments are evaluated against each element of a list, not the whole data. */
const ITERATING = new Set(['some', 'all', 'none', 'map', 'filter', 'reduce']);

/** A problem found in a rule before it ever runs. */
export interface RuleProblem {
  /** Where in the rule, e.g. `and[1].==[0].var`. */
  path: string;
  kind: 'operator' | 'variable' | 'shape' | 'complexity';
  detail: string;
}

/** The variables a rule may read: answer ids, parameter names, and (inside a repeatable group) `item.*`. */
export interface RuleScope {
  answers: ReadonlySet<string>;
  params: ReadonlySet<string>;
  item?: ReadonlySet<string>;
}

const isOperation = (rule: Rule): rule is { [operator: string]: Rule } =>
  typeof rule === 'object' && rule !== null && !Array.isArray(rule);

/** Deeper rules than this are no rules a person writes; they could only be an attempt to stall the server. */
export const MAX_RULE_DEPTH = 12;

/**
 * Checks a rule without running it: only allowed operators, one operator per object, every `var`
 * naming something the scope has, at most {@link MAX_RULE_DEPTH} levels and no iteration inside the
 * per-element rule of another (nested `reduce`s cost exponential time). Returns the problems,
 * empty when the rule is sound.
 */
export function checkRule(rule: Rule, scope: RuleScope, path = '', depth = 0): RuleProblem[] {
  if (depth > MAX_RULE_DEPTH) return [{ path, kind: 'complexity', detail: `more than ${MAX_RULE_DEPTH} levels` }];
  if (Array.isArray(rule)) return rule.flatMap((r, i) => checkRule(r, scope, `${path}[${i}]`, depth + 1));
  if (!isOperation(rule)) return [];
  const keys = Object.keys(rule);
  if (keys.length !== 1) return [{ path, kind: 'shape', detail: keys.join(', ') || '{}' }];
  const op = keys[0];
  const here = path ? `${path}.${op}` : op;
  if (!RULE_OPERATORS.has(op)) return [{ path: here, kind: 'operator', detail: op }];
  const args = rule[op];
  if (op === 'var') return checkVariable(Array.isArray(args) ? args[0] : args, scope, here);
  if (ITERATING.has(op) && Array.isArray(args)) {
    // Inside the per-element rule, `var` reads the element (and `accumulator`/`current` in reduce).
    const [list, ...rest] = args;
    return [
      ...checkRule(list, scope, `${here}[0]`, depth + 1),
      ...rest.flatMap((r, i) => checkOperators(r, `${here}[${i + 1}]`, depth + 1)),
    ];
  }
  return checkRule(args, scope, here, depth + 1);
}

/** The per-element rule of an iteration: allowed operators only, and no iteration of its own. */
function checkOperators(rule: Rule, path: string, depth: number): RuleProblem[] {
  if (depth > MAX_RULE_DEPTH) return [{ path, kind: 'complexity', detail: `more than ${MAX_RULE_DEPTH} levels` }];
  if (Array.isArray(rule)) return rule.flatMap((r, i) => checkOperators(r, `${path}[${i}]`, depth + 1));
  if (!isOperation(rule)) return [];
  const keys = Object.keys(rule);
  if (keys.length !== 1) return [{ path, kind: 'shape', detail: keys.join(', ') || '{}' }];
  const here = `${path}.${keys[0]}`;
  if (!RULE_OPERATORS.has(keys[0])) return [{ path: here, kind: 'operator', detail: keys[0] }];
  if (ITERATING.has(keys[0])) return [{ path: here, kind: 'complexity', detail: `${keys[0]} inside an iteration` }];
  return checkOperators(rule[keys[0]], here, depth + 1);
}

function checkVariable(name: Rule, scope: RuleScope, path: string): RuleProblem[] {
  if (typeof name !== 'string') return [{ path, kind: 'shape', detail: JSON.stringify(name) }];
  const [root, first] = name.split('.');
  const known =
    (root === 'answers' && first !== undefined && scope.answers.has(first)) ||
    (root === 'params' && first !== undefined && scope.params.has(first)) ||
    (root === 'item' && first !== undefined && scope.item?.has(first) === true);
  return known ? [] : [{ path, kind: 'variable', detail: name }];
}

/** What a rule sees when it runs. */
export interface RuleData {
  answers: Record<string, unknown>;
  params: Record<string, unknown>;
  item?: Record<string, unknown>;
}

/**
 * Runs JSONLogic rules, interpreted (no code generation), with the operator set above. Rules are
 * checked with {@link checkRule} when a definition is loaded, so here they only run. One instance,
 * provided by `FormsModule`.
 */
@Injectable()
export class Rules {
  private readonly engine = new LogicEngine();

  constructor() {
    const methods = this.engine.methods as Record<string, unknown>;
    for (const op of Object.keys(methods)) if (!RULE_OPERATORS.has(op)) delete methods[op];
  }

  /** Runs a rule; whatever the engine throws (it throws a bare `NaN` for `1/0`) becomes a {@link RuleError}. */
  evaluate(rule: Rule, data: RuleData): unknown {
    try {
      return this.engine.run(rule, data) as unknown;
    } catch (error) {
      throw new RuleError(error);
    }
  }

  /** A condition, with the engine's own truthiness (`[]` and `{}` are false, `"0"` is true); no rule means true. */
  holds(rule: Rule | undefined, data: RuleData): boolean {
    if (rule === undefined) return true;
    return this.evaluate({ '!!': [rule] }, data) === true;
  }
}

/** A rule that could not be evaluated (division by zero, arithmetic on a text, an unknown operator). */
export class RuleError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : `rule failed: ${String(cause)}`);
    this.name = 'RuleError';
  }
}
