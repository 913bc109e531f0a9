import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { Rules, walkItems } from '@openrathaus/forms';
import { catalogData } from './data/catalog-data';
import { loadDefinitionFile, loadDefinitionsDir } from './definition/definition.loader';
import { readParameterValue } from './definition/parameters';
import { computeFee, previewFee } from './fees';
import type { FeeRule, ParameterValue, ProcessDefinition } from './definition/process-definition';

/** The fee lines as the platform computes them for an application (computeFee). */
const rules = new Rules();
function feeLines(fees: FeeRule[], params: Record<string, ParameterValue>, answers: Record<string, unknown>) {
  return computeFee(rules, fees, params, answers).lines.map(({ id, cents }) => ({ id, cents }));
}
const total = (lines: { cents: number }[]) => lines.reduce((sum, l) => sum + l.cents, 0);

/** Parameters at their defaults (money in cents), with what is given instead. */
function paramsOf(definition: ProcessDefinition, given: Record<string, unknown> = {}) {
  const params: Record<string, ParameterValue> = {};
  for (const [name, p] of Object.entries(definition.parameters ?? {})) {
    const raw = name in given ? given[name] : p.default;
    if (raw === undefined) continue;
    const reading = readParameterValue(p, raw);
    if (!reading.ok) throw new Error(`${name}: ${reading.key}`);
    params[name] = reading.value;
  }
  return params;
}

/** A reference definition below tenants/ and its parameters. */
function reference(path: string, given: Record<string, unknown> = {}) {
  const loaded = loadDefinitionFile(join(projectRoot(), 'tenants', path), { lagen: catalogData().lagenIds });
  expect(loaded.faults).toEqual([]);
  const definition = loaded.definition as ProcessDefinition;
  return { definition, params: paramsOf(definition, given) };
}

describe('fees over rules', () => {
  const fees: FeeRule[] = [
    { id: 'grund', label: { de: 'Grundgebühr' }, amount: { var: 'params.fee' } },
    {
      id: 'kopien',
      label: { de: 'Kopien' },
      amount: { '*': [{ var: 'params.feePerCopy' }, { var: 'answers.anzahl' }] },
      when: { '>': [{ var: 'answers.anzahl' }, 0] },
    },
    { id: 'express', label: { de: 'Eilzuschlag' }, amount: 1000, when: { var: 'answers.eilig' } },
  ];
  const params = { fee: 3070, feePerCopy: 250 };

  it('sums the fees whose condition holds', () => {
    expect(feeLines(fees, params, {})).toEqual([{ id: 'grund', cents: 3070 }]);
    expect(feeLines(fees, params, { anzahl: 3 })).toEqual([
      { id: 'grund', cents: 3070 },
      { id: 'kopien', cents: 750 },
    ]);
    expect(total(feeLines(fees, params, { anzahl: 2, eilig: true }))).toBe(3070 + 500 + 1000);
  });

  it('reads a checkbox list as a condition: empty is false', () => {
    expect(feeLines(fees, params, { eilig: [] }).map((l) => l.id)).toEqual(['grund']);
    expect(feeLines(fees, params, { eilig: ['ja'] }).map((l) => l.id)).toEqual(['grund', 'express']);
  });

  it('counts the entries of a repeatable group with reduce, none when there are none', () => {
    const perPerson: FeeRule = {
      id: 'personen',
      label: { de: 'je Person' },
      amount: {
        '*': [
          { var: 'params.fee' },
          { reduce: [{ var: 'answers.personen' }, { '+': [{ var: 'accumulator' }, 1] }, 0] },
        ],
      },
    };
    expect(feeLines([perPerson], params, { personen: [{}, {}, {}] })).toEqual([{ id: 'personen', cents: 9210 }]);
    expect(feeLines([perPerson], params, {})).toEqual([{ id: 'personen', cents: 0 }]);
  });

  it('gives 0 for a parameter that has no value (an optional money parameter the tenant left out)', () => {
    expect(feeLines(fees, {}, {})).toEqual([{ id: 'grund', cents: 0 }]);
  });
});

describe('fees of the reference definitions', () => {
  it('Geburtsurkunde (Duisburg): first copy, further copies, free for the pension insurance', () => {
    const { definition, params } = reference('duisburg/processes/geburtsurkunde/1.0.0.yaml', { office: 'x' });
    expect(params).toMatchObject({ feeFirst: 1500, feeFurther: 750 });
    expect(total(feeLines(definition.fees, params, { anzahl: 1 }))).toBe(1500);
    expect(total(feeLines(definition.fees, params, { anzahl: 3 }))).toBe(1500 + 2 * 750);
    expect(feeLines(definition.fees, params, { anzahl: 3, zweck: 'rente' })).toEqual([]);
  });

  it('Bewohnerparkausweis 1.2.0 (Gelsenkirchen): the fee parameter in cents, default or set', () => {
    const byDefault = reference('gelsenkirchen/processes/bewohnerparkausweis/1.2.0.yaml');
    expect(feeLines(byDefault.definition.fees, byDefault.params, {})).toEqual([{ id: 'gebuehr', cents: 3070 }]);
    const set = reference('gelsenkirchen/processes/bewohnerparkausweis/1.2.0.yaml', { fee: 120.5 });
    expect(total(feeLines(set.definition.fees, set.params, {}))).toBe(12050);
  });

  it('every reference fee gives a finite, non-negative amount at the default answers and parameters', () => {
    const all = loadDefinitionsDir(join(projectRoot(), 'tenants'), { lagen: catalogData().lagenIds });
    const withFees = all.filter((l) => l.definition && l.definition.fees.length > 0);
    expect(withFees.length).toBeGreaterThan(0);
    for (const l of withFees) {
      const definition = l.definition as ProcessDefinition;
      const params = paramsOf(definition);
      const answers: Record<string, unknown> = {};
      for (const page of definition.form.pages) {
        for (const { item } of walkItems(page.items)) {
          if (item.type !== 'group' && item.default !== undefined) answers[item.id] = item.default;
        }
      }
      for (const line of feeLines(definition.fees, params, answers)) {
        expect([l.file, line.id, Number.isFinite(line.cents) && line.cents >= 0]).toEqual([l.file, line.id, true]);
      }
    }
  });
});

describe('computeFee and previewFee', () => {
  const fees: FeeRule[] = [
    { id: 'erste', label: { de: 'Erste' }, amount: { var: 'params.first' } },
    {
      id: 'weitere',
      label: { de: 'Weitere' },
      amount: { '*': [{ var: 'params.further' }, { '-': [{ var: 'answers.anzahl' }, 1] }] },
      when: { '>': [{ var: 'answers.anzahl' }, 1] },
    },
    {
      id: 'erweitert',
      label: { de: 'Erweitert' },
      amount: { var: 'params.first' },
      when: { '==': [{ var: 'answers.art' }, 'x'] },
    },
    {
      id: 'teilen',
      label: { de: 'Teilen' },
      amount: { '/': [{ var: 'params.first' }, { var: 'answers.teiler' }] },
      when: { '==': [{ var: 'answers.art' }, 'teilen'] },
    },
  ];
  const params = { first: 1500, further: 750 };
  const form = {
    pages: [
      {
        id: 'p',
        title: { de: 'P' },
        items: [{ id: 'anzahl', type: 'number' as const, label: { de: 'Anzahl' }, default: 1 }],
      },
    ],
  };

  it('refuses an amount that cannot be computed instead of guessing', () => {
    expect(() => computeFee(rules, fees, params, { anzahl: 1, art: 'teilen', teiler: 0 })).toThrow(
      expect.objectContaining({ code: 'catalog.fee_not_computable', params: { fee: 'teilen' } }),
    );
    expect(() => computeFee(rules, fees, params, { anzahl: 'drei' })).toThrow(
      expect.objectContaining({ code: 'catalog.fee_not_computable' }),
    );
    expect(computeFee(rules, fees, params, { anzahl: 3 }).totalCents).toBe(1500 + 2 * 750);
  });

  it('previews the fee at the default answers and names the lines other answers add', () => {
    const preview = previewFee(rules, fees, params, form);
    expect(preview.lines.map((l) => l.id)).toEqual(['erste']);
    expect(preview.totalCents).toBe(1500);
    expect(preview.conditional.map((l) => [l.id, l.cents])).toEqual([['erweitert', 1500]]);
    expect(preview.dependsOnAnswers).toBe(true);
  });

  it('never fails a preview for a formula that needs answers', () => {
    const negative: FeeRule[] = [
      {
        id: 'n',
        label: { de: 'N' },
        amount: { '*': [{ var: 'params.further' }, { '-': [{ var: 'answers.anzahl' }, 1] }] },
      },
    ];
    expect(previewFee(rules, negative, params, { pages: [] })).toMatchObject({
      lines: [],
      totalCents: 0,
      dependsOnAnswers: true,
    });
  });
});
