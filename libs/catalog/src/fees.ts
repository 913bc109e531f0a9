import { FormDefinition, Rule, Rules, walkItems } from '@openrathaus/forms';
import type { LocalizedText } from '@openrathaus/i18n';
import { CatalogError, CatalogErrorCode } from './catalog.error';
import type { FeeRule, ParameterValue } from './definition/process-definition';

/** One fee line after the tenant's parameters. */
export interface FeeLine {
  id: string;
  label: LocalizedText;
  cents: number;
}

/** The fee of a service for some answers. */
export interface FeeSummary {
  totalCents: number;
  lines: FeeLine[];
  /**
   * Lines that do not apply to these answers but may apply to others (e.g. "extended
   * certificate"), with their amount for these answers where it can be computed.
   */
  conditional: FeeLine[];
  /** Some amount depends on what the citizen answers (e.g. the number of copies). */
  dependsOnAnswers: boolean;
}

type Params = Record<string, ParameterValue>;

/** Whether a rule reads `answers.*` (or `params.*`). */
export const reads = (rule: Rule | undefined, root: 'answers' | 'params'): boolean =>
  JSON.stringify(rule ?? null).includes(`"${root}.`);

/** Answers at their defaults, so that a fee formula over answers gives the amount most citizens pay. */
export function defaultAnswers(form: FormDefinition): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const page of form.pages) {
    for (const { item } of walkItems(page.items)) {
      if (item.type !== 'group' && item.default !== undefined) answers[item.id] = item.default;
    }
  }
  return answers;
}

/**
 * An amount in whole cents, or undefined when the rule gives no amount (not a number, negative,
 * failing). A value that is not there (an optional money parameter the tenant left out) is nothing
 * to pay, as JSONLogic's arithmetic counts it.
 */
function amount(rules: Rules, rule: Rule, data: { answers: Record<string, unknown>; params: Params }) {
  try {
    const value = rules.evaluate(rule, data);
    if (value === null || value === undefined) return 0;
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
    return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
  } catch {
    return undefined;
  }
}

const summary = (fees: FeeRule[], lines: FeeLine[], conditional: FeeLine[]): FeeSummary => ({
  totalCents: lines.reduce((sum, l) => sum + l.cents, 0),
  lines,
  conditional,
  dependsOnAnswers: fees.some((f) => reads(f.amount, 'answers') || reads(f.when, 'answers')),
});

/**
 * The fee for an application: the lines whose `when` holds, in whole cents, computed on the server
 * only. A line that applies but gives no amount is an error: nobody is charged a guess.
 */
export function computeFee(
  rules: Rules,
  fees: FeeRule[],
  params: Params,
  answers: Record<string, unknown>,
): FeeSummary {
  const data = { answers, params };
  const lines: FeeLine[] = [];
  for (const fee of fees) {
    let applies: boolean;
    try {
      applies = rules.holds(fee.when, data);
    } catch {
      throw new CatalogError(CatalogErrorCode.FeeNotComputable, { fee: fee.id });
    }
    if (!applies) continue;
    const cents = amount(rules, fee.amount, data);
    if (cents === undefined) throw new CatalogError(CatalogErrorCode.FeeNotComputable, { fee: fee.id });
    lines.push({ id: fee.id, label: fee.label, cents });
  }
  return summary(fees, lines, []);
}

/**
 * The fee a service page shows before anybody answered: answers at their defaults; a line that
 * cannot be computed without the citizen's answers is left out (a page must not fail for a
 * formula), and the lines other answers would add are listed as conditional.
 */
export function previewFee(rules: Rules, fees: FeeRule[], params: Params, form: FormDefinition): FeeSummary {
  const data = { answers: defaultAnswers(form), params };
  const lines: FeeLine[] = [];
  const conditional: FeeLine[] = [];
  for (const fee of fees) {
    let applies = false;
    try {
      applies = rules.holds(fee.when, data);
    } catch {
      applies = false;
    }
    const cents = amount(rules, fee.amount, data);
    if (applies && cents !== undefined) lines.push({ id: fee.id, label: fee.label, cents });
    else if ((reads(fee.when, 'answers') || reads(fee.amount, 'answers')) && cents !== undefined && cents > 0) {
      conditional.push({ id: fee.id, label: fee.label, cents });
    }
  }
  return summary(fees, lines, conditional);
}
