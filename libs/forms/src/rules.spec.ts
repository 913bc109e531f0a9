import type { Rule } from './form.model';
import { RULE_OPERATORS, RuleError, RuleScope, Rules, checkRule } from './rules';

const scope: RuleScope = {
  answers: new Set(['art', 'anzahl', 'kinder', 'anschrift']),
  params: new Set(['fee', 'zones']),
};
const inGroup: RuleScope = { ...scope, item: new Set(['alter', 'name']) };

describe('checkRule', () => {
  it('accepts a sound rule over answers and params, and plain values', () => {
    const rule: Rule = {
      and: [
        { '==': [{ var: 'answers.art' }, 'anmeldung'] },
        { '>': [{ '*': [{ var: 'params.fee' }, { var: 'answers.anzahl' }] }, 0] },
        { in: [{ var: 'answers.anschrift.postalCode' }, { var: 'params.zones' }] },
      ],
    };
    expect(checkRule(rule, scope)).toEqual([]);
    expect(checkRule(true, scope)).toEqual([]);
    expect(checkRule(3070, scope)).toEqual([]);
    expect(checkRule('text', scope)).toEqual([]);
    expect(checkRule(null, scope)).toEqual([]);
  });

  it('accepts every allowed operator', () => {
    for (const op of RULE_OPERATORS) {
      const rule: Rule = op === 'var' ? { var: 'answers.art' } : { [op]: [1, 2] };
      expect([op, checkRule(rule, scope)]).toEqual([op, []]);
    }
  });

  it.each(['throw', 'eachKey', 'val', 'preserve', 'try', 'keys', 'get', 'pipe', 'exists', '??', 'length', 'not'])(
    'refuses the operator %s with its path',
    (op) => {
      expect(checkRule({ [op]: [1] }, scope)).toEqual([{ path: op, kind: 'operator', detail: op }]);
      expect(checkRule({ and: [true, { [op]: [1] }] }, scope)).toEqual([
        { path: `and[1].${op}`, kind: 'operator', detail: op },
      ]);
    },
  );

  it('refuses a forbidden operator nested deep inside allowed ones', () => {
    const rule: Rule = { if: [{ '==': [1, 1] }, { cat: ['a', { throw: 'x' }] }, 0] };
    expect(checkRule(rule, scope)).toEqual([{ path: 'if[1].cat[1].throw', kind: 'operator', detail: 'throw' }]);
  });

  it('refuses a forbidden operator inside the per-element rule of some, map, filter, reduce', () => {
    expect(checkRule({ some: [{ var: 'answers.kinder' }, { throw: 'x' }] }, scope)).toEqual([
      { path: 'some[1].throw', kind: 'operator', detail: 'throw' },
    ]);
    expect(checkRule({ map: [{ var: 'answers.kinder' }, { '+': [{ eachKey: {} }, 1] }] }, scope)).toEqual([
      { path: 'map[1].+[0].eachKey', kind: 'operator', detail: 'eachKey' },
    ]);
    expect(
      checkRule({ reduce: [{ var: 'answers.kinder' }, { '+': [{ var: 'accumulator' }, 1] }, { val: [] }] }, scope),
    ).toEqual([{ path: 'reduce[2].val', kind: 'operator', detail: 'val' }]);
    // The list argument is checked with the full scope.
    expect(checkRule({ filter: [{ val: 'x' }, true] }, scope)).toEqual([
      { path: 'filter[0].val', kind: 'operator', detail: 'val' },
    ]);
  });

  it('lets the per-element rule read the element (var of any name), but checks the list against the scope', () => {
    const rule: Rule = {
      some: [{ var: 'answers.kinder' }, { '<': [{ var: 'alter' }, 14] }],
    };
    expect(checkRule(rule, scope)).toEqual([]);
    expect(checkRule({ all: [{ var: 'answers.unbekannt' }, { var: '' }] }, scope)).toEqual([
      { path: 'all[0].var', kind: 'variable', detail: 'answers.unbekannt' },
    ]);
    expect(
      checkRule(
        { reduce: [{ var: 'answers.kinder' }, { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0] },
        scope,
      ),
    ).toEqual([]);
  });

  it('finds shape faults inside the per-element rule', () => {
    expect(checkRule({ none: [{ var: 'answers.kinder' }, {}] }, scope)).toEqual([
      { path: 'none[1]', kind: 'shape', detail: '{}' },
    ]);
    expect(checkRule({ map: [{ var: 'answers.kinder' }, { '+': [1], '-': [1] }] }, scope)).toEqual([
      { path: 'map[1]', kind: 'shape', detail: '+, -' },
    ]);
  });

  it('checks variables against answers, params and item', () => {
    expect(checkRule({ var: 'answers.art' }, scope)).toEqual([]);
    expect(checkRule({ var: ['answers.art', 'default'] }, scope)).toEqual([]);
    expect(checkRule({ var: 'params.fee' }, scope)).toEqual([]);
    expect(checkRule({ var: 'answers.nope' }, scope)).toEqual([
      { path: 'var', kind: 'variable', detail: 'answers.nope' },
    ]);
    expect(checkRule({ var: 'params.nope' }, scope)).toEqual([
      { path: 'var', kind: 'variable', detail: 'params.nope' },
    ]);
    // A parameter name is no answer and the other way round.
    expect(checkRule({ var: 'answers.fee' }, scope)).toHaveLength(1);
    expect(checkRule({ var: 'params.art' }, scope)).toHaveLength(1);
    // Only the roots answers, params and item exist; bare roots name nothing.
    expect(checkRule({ var: 'art' }, scope)).toEqual([{ path: 'var', kind: 'variable', detail: 'art' }]);
    expect(checkRule({ var: 'answers' }, scope)).toEqual([{ path: 'var', kind: 'variable', detail: 'answers' }]);
    expect(checkRule({ var: '' }, scope)).toEqual([{ path: 'var', kind: 'variable', detail: '' }]);
    expect(checkRule({ var: 'tenant.name' }, scope)).toHaveLength(1);
  });

  it('allows item.* only where the scope has an item (inside a repeatable group)', () => {
    expect(checkRule({ var: 'item.alter' }, scope)).toEqual([{ path: 'var', kind: 'variable', detail: 'item.alter' }]);
    expect(checkRule({ var: 'item.alter' }, inGroup)).toEqual([]);
    expect(checkRule({ var: 'item.nope' }, inGroup)).toEqual([{ path: 'var', kind: 'variable', detail: 'item.nope' }]);
    expect(checkRule({ var: 'answers.art' }, inGroup)).toEqual([]);
  });

  it('refuses a var whose name is not a string', () => {
    expect(checkRule({ var: 3 }, scope)).toEqual([{ path: 'var', kind: 'shape', detail: '3' }]);
    expect(checkRule({ var: [{ var: 'answers.art' }] }, scope)).toEqual([
      { path: 'var', kind: 'shape', detail: '{"var":"answers.art"}' },
    ]);
  });

  it('refuses objects with no or two operators', () => {
    expect(checkRule({}, scope)).toEqual([{ path: '', kind: 'shape', detail: '{}' }]);
    expect(checkRule({ '==': [1, 1], throw: 'x' }, scope)).toEqual([{ path: '', kind: 'shape', detail: '==, throw' }]);
    expect(checkRule({ or: [true, { '==': [1, 1], '!=': [1, 2] }] }, scope)).toEqual([
      { path: 'or[1]', kind: 'shape', detail: '==, !=' },
    ]);
  });

  it('reports every problem with its own path, under a given prefix', () => {
    const rule: Rule = { and: [{ '==': [{ var: 'answers.x' }, 1] }, { throw: 1 }, {}] };
    expect(checkRule(rule, scope, 'visibleIf')).toEqual([
      { path: 'visibleIf.and[0].==[0].var', kind: 'variable', detail: 'answers.x' },
      { path: 'visibleIf.and[1].throw', kind: 'operator', detail: 'throw' },
      { path: 'visibleIf.and[2]', kind: 'shape', detail: '{}' },
    ]);
  });

  it('checks a rule given as a list element by element', () => {
    expect(checkRule([{ var: 'answers.art' }, { var: 'answers.y' }], scope)).toEqual([
      { path: '[1].var', kind: 'variable', detail: 'answers.y' },
    ]);
  });
});

describe('Rules', () => {
  const rules = new Rules();
  const data = {
    answers: {
      art: 'anmeldung',
      anzahl: 3,
      leer: [] as string[],
      null: '0',
      zonen: ['A', 'B'],
      kinder: [{ alter: 3 }, { alter: 12 }],
      anschrift: { postalCode: '45879' },
    },
    params: { fee: 3070, zones: ['A', 'B'], postalCodes: ['45879', '45881'] },
  };

  it('reads variables, nested ones and defaults; missing ones are null', () => {
    expect(rules.evaluate({ var: 'answers.art' }, data)).toBe('anmeldung');
    expect(rules.evaluate({ var: 'answers.anschrift.postalCode' }, data)).toBe('45879');
    expect(rules.evaluate({ var: 'answers.nope' }, data)).toBeNull();
    expect(rules.evaluate({ var: ['answers.nope', 5] }, data)).toBe(5);
    expect(rules.evaluate({ var: 'item.alter' }, { ...data, item: { alter: 7 } })).toBe(7);
  });

  it('does arithmetic in cents', () => {
    expect(rules.evaluate({ '*': [{ var: 'params.fee' }, { var: 'answers.anzahl' }] }, data)).toBe(9210);
    expect(rules.evaluate({ '+': [{ var: 'params.fee' }, 1000] }, data)).toBe(4070);
    expect(rules.evaluate({ '-': [{ var: 'params.fee' }, 70] }, data)).toBe(3000);
    expect(rules.evaluate({ '-': [5] }, data)).toBe(-5);
    expect(rules.evaluate({ '/': [{ var: 'params.fee' }, 2] }, data)).toBe(1535);
    expect(rules.evaluate({ '%': [7, 3] }, data)).toBe(1);
    expect(rules.evaluate({ max: [1, { var: 'answers.anzahl' }, 2] }, data)).toBe(3);
    expect(rules.evaluate({ min: [1, { var: 'answers.anzahl' }, 2] }, data)).toBe(1);
    // Strings of digits are numbers to arithmetic.
    expect(rules.evaluate({ '+': ['1', 2] }, data)).toBe(3);
  });

  it('compares loosely with == and strictly with ===', () => {
    expect(rules.holds({ '==': [1, '1'] }, data)).toBe(true);
    expect(rules.holds({ '===': [1, '1'] }, data)).toBe(false);
    expect(rules.holds({ '!=': [{ var: 'answers.art' }, 'ummeldung'] }, data)).toBe(true);
    expect(rules.holds({ '!==': [1, 1] }, data)).toBe(false);
    expect(rules.holds({ '<': [1, { var: 'answers.anzahl' }, 5] }, data)).toBe(true);
    expect(rules.holds({ '<=': [3, { var: 'answers.anzahl' }] }, data)).toBe(true);
    expect(rules.holds({ '>=': [{ var: 'answers.anzahl' }, 4] }, data)).toBe(false);
  });

  it('tests membership with in, for lists and substrings', () => {
    expect(rules.holds({ in: [{ var: 'answers.anschrift.postalCode' }, { var: 'params.postalCodes' }] }, data)).toBe(
      true,
    );
    expect(rules.holds({ in: ['C', { var: 'params.zones' }] }, data)).toBe(false);
    expect(rules.holds({ in: ['meld', { var: 'answers.art' }] }, data)).toBe(true);
    // A list that is not there holds nothing.
    expect(rules.holds({ in: ['A', { var: 'params.nope' }] }, data)).toBe(false);
  });

  it('lists what is missing', () => {
    expect(rules.evaluate({ missing: ['answers.art', 'answers.nope'] }, data)).toEqual(['answers.nope']);
    expect(rules.holds({ missing: ['answers.art'] }, data)).toBe(false);
    expect(rules.holds({ missing: ['answers.nope'] }, data)).toBe(true);
    expect(rules.evaluate({ missing_some: [1, ['answers.art', 'answers.nope']] }, data)).toEqual([]);
    expect(rules.evaluate({ missing_some: [2, ['answers.art', 'answers.nope']] }, data)).toEqual(['answers.nope']);
  });

  it('iterates lists with some, all, none, map, filter, reduce', () => {
    const kinder = { var: 'answers.kinder' };
    expect(rules.holds({ some: [kinder, { '>': [{ var: 'alter' }, 10] }] }, data)).toBe(true);
    expect(rules.holds({ all: [kinder, { '>': [{ var: 'alter' }, 10] }] }, data)).toBe(false);
    expect(rules.holds({ none: [kinder, { '>': [{ var: 'alter' }, 20] }] }, data)).toBe(true);
    expect(rules.evaluate({ map: [kinder, { var: 'alter' }] }, data)).toEqual([3, 12]);
    expect(rules.evaluate({ filter: [kinder, { '<': [{ var: 'alter' }, 6] }] }, data)).toEqual([{ alter: 3 }]);
    expect(
      rules.evaluate(
        { reduce: [{ map: [kinder, { var: 'alter' }] }, { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0] },
        data,
      ),
    ).toBe(15);
  });

  it('builds texts and lists with cat, substr, merge, and chooses with if and ?:', () => {
    expect(rules.evaluate({ cat: ['Zone ', { var: 'answers.zonen' }] }, data)).toBe('Zone A,B');
    expect(rules.evaluate({ substr: [{ var: 'answers.art' }, 0, 3] }, data)).toBe('anm');
    expect(rules.evaluate({ merge: [{ var: 'params.zones' }, 'C'] }, data)).toEqual(['A', 'B', 'C']);
    expect(rules.evaluate({ if: [{ var: 'answers.leer' }, 'ja', 'nein'] }, data)).toBe('nein');
    expect(rules.evaluate({ if: [false, 1, { var: 'answers.anzahl' }, 2, 3] }, data)).toBe(2);
    expect(rules.evaluate({ '?:': [true, 1, 2] }, data)).toBe(1);
    expect(rules.evaluate({ or: [0, '', 'x'] }, data)).toBe('x');
    expect(rules.evaluate({ and: [1, 0, 'x'] }, data)).toBe(0);
  });

  it('holds: no rule is true; empty lists are false; "0" is true as in JSONLogic', () => {
    expect(rules.holds(undefined, data)).toBe(true);
    expect(rules.holds(true, data)).toBe(true);
    expect(rules.holds(false, data)).toBe(false);
    expect(rules.holds(null, data)).toBe(false);
    expect(rules.holds({ var: 'answers.leer' }, data)).toBe(false);
    expect(rules.holds({ var: 'answers.zonen' }, data)).toBe(true);
    expect(rules.holds({ var: 'answers.null' }, data)).toBe(true);
    expect(rules.holds({ '!!': [{ var: 'answers.null' }] }, data)).toBe(true);
    expect(rules.holds({ '!!': [{ var: 'answers.leer' }] }, data)).toBe(false);
    expect(rules.holds({ '!': [{ var: 'answers.leer' }] }, data)).toBe(true);
    expect(rules.holds({ var: 'answers.nope' }, data)).toBe(false);
    expect(rules.holds({ var: 'answers.anzahl' }, { ...data, answers: { anzahl: 0 } })).toBe(false);
  });

  it('holds agrees with the engine on the truthiness of an empty object', () => {
    const empty = { answers: { anschrift: {} }, params: {} };
    expect(rules.holds({ var: 'answers.anschrift' }, empty)).toBe(
      rules.holds({ '!!': [{ var: 'answers.anschrift' }] }, empty),
    );
  });

  it('evaluates the same rule object again with other data (the engine caches plans per object)', () => {
    const rule: Rule = { '>': [{ var: 'answers.anzahl' }, 2] };
    expect(rules.holds(rule, data)).toBe(true);
    expect(rules.holds(rule, { answers: { anzahl: 1 }, params: {} })).toBe(false);
    expect(rules.holds(rule, { answers: { anzahl: 5 }, params: {} })).toBe(true);
  });

  describe('refused operators never run', () => {
    it.each(['throw', 'eachKey', 'preserve', 'try', 'keys', 'get', 'pipe', 'exists', 'length', '??', 'not', 'every'])(
      '%s is unknown to the engine',
      (op) => {
        expect(() => rules.evaluate({ [op]: ['x'] }, data)).toThrow();
        try {
          rules.evaluate({ [op]: ['x'] }, data);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleError);
          expect((error as RuleError).cause).toEqual({ type: 'Unknown Operator', key: op });
        }
      },
    );

    it('val is refused too (the engine fails before it could run)', () => {
      expect(() => rules.evaluate({ val: ['answers', 'art'] }, data)).toThrow();
    });

    it('throw inside a per-element rule or a branch does not run its payload', () => {
      const payload = { type: 'mine' };
      let caught: unknown;
      try {
        rules.evaluate({ some: [{ var: 'answers.kinder' }, { throw: payload }] }, data);
      } catch (error) {
        caught = error;
      }
      expect((caught as RuleError).cause).toEqual({ type: 'Unknown Operator', key: 'throw' });
      expect((caught as RuleError).cause).not.toBe(payload);
      expect(() => rules.evaluate({ if: [true, { eachKey: { a: 1 } }, 0] }, data)).toThrow();
    });

    it('a fresh engine still has its operators: only this instance lost them', () => {
      const other = new Rules();
      expect(other.evaluate({ '+': [1, 2] }, { answers: {}, params: {} })).toBe(3);
      expect(() => other.evaluate({ throw: 'x' }, { answers: {}, params: {} })).toThrow();
    });
  });

  describe('failures that reach the caller', () => {
    const caught = (rule: Rule, d = data): unknown => {
      try {
        rules.evaluate(rule, d);
      } catch (error) {
        return error;
      }
      return 'no error';
    };

    it('division by zero gives a value or an Error, never a thrown NaN', () => {
      const error = caught({ '/': [{ var: 'params.fee' }, 0] });
      expect(error === 'no error' || error instanceof Error).toBe(true);
    });

    it('turns the bare NaN the engine throws into a RuleError', () => {
      expect(caught({ '/': [{ var: 'params.fee' }, 0] })).toBeInstanceOf(RuleError);
      expect(caught({ '>': [{ var: 'answers.art' }, 2] })).toBeInstanceOf(RuleError);
      expect(caught({ '+': [{ var: 'answers.anschrift' }, 1] })).toBeInstanceOf(RuleError);
    });

    it('arithmetic on a missing variable counts it as 0', () => {
      expect(rules.evaluate({ '+': [{ var: 'params.nope' }, 1] }, data)).toBe(1);
      expect(rules.evaluate({ '*': [{ var: 'params.nope' }, 5] }, data)).toBe(0);
    });
  });
});

describe('checkRule: complexity', () => {
  const nested = (levels: number): Rule =>
    levels === 0 ? { var: 'current' } : { reduce: [{ var: 'answers.kinder' }, nested(levels - 1), 0] };

  it('refuses an iteration inside the per-element rule of another', () => {
    expect(checkRule(nested(2), scope)).toEqual([
      { path: 'reduce[1].reduce', kind: 'complexity', detail: 'reduce inside an iteration' },
    ]);
    expect(checkRule(nested(1), scope)).toEqual([]);
  });

  it('refuses rules deeper than the limit', () => {
    let rule: Rule = { var: 'answers.art' };
    for (let i = 0; i < 20; i++) rule = { '!': [rule] };
    expect(checkRule(rule, scope).map((p) => p.kind)).toEqual(['complexity']);
  });
});
