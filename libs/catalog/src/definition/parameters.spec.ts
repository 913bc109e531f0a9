import { DURATION, readParameterValue } from './parameters';
import type { ParameterDefinition } from './process-definition';

const param = (type: ParameterDefinition['type'], more: Partial<ParameterDefinition> = {}): ParameterDefinition => ({
  type,
  label: { de: 'Parameter' },
  ...more,
});

describe('readParameterValue', () => {
  describe('money', () => {
    const money = param('money');

    it.each([
      [30.7, 3070],
      [30.7, 3070],
      [0, 0],
      [12, 1200],
      [0.01, 1],
      [1.1, 110],
      [19.99, 1999],
      [4.35, 435],
      [1.15, 115],
      [0.1 + 0.2, 30],
      [999999.99, 99999999],
    ])('reads %p euros as %p cents', (euros, cents) => {
      expect(readParameterValue(money, euros)).toEqual({ ok: true, value: cents });
    });

    it.each([30.705, 0.001, 1.005, 12.345])('refuses %p: more than two decimals', (euros) => {
      expect(readParameterValue(money, euros)).toEqual({ ok: false, key: 'money' });
    });

    it.each([-1, -0.01, NaN, Infinity, '30.70', '30,70', null, undefined, [30]])('refuses %p', (raw) => {
      expect(readParameterValue(money, raw)).toEqual({ ok: false, key: 'money' });
    });

    it('keeps to min and max (in euros), 0 to a million by default', () => {
      const bounded = param('money', { min: 10, max: 50 });
      expect(readParameterValue(bounded, 10)).toEqual({ ok: true, value: 1000 });
      expect(readParameterValue(bounded, 50)).toEqual({ ok: true, value: 5000 });
      expect(readParameterValue(bounded, 9.99)).toEqual({
        ok: false,
        key: 'money_range',
        params: { min: 10, max: 50 },
      });
      expect(readParameterValue(bounded, 50.01)).toEqual({
        ok: false,
        key: 'money_range',
        params: { min: 10, max: 50 },
      });
      expect(readParameterValue(money, 1_000_000)).toEqual({ ok: true, value: 100_000_000 });
      expect(readParameterValue(money, 1_000_000.01)).toEqual({
        ok: false,
        key: 'money_range',
        params: { min: 0, max: 1_000_000 },
      });
    });

    it('refuses a negative amount even when min is below zero', () => {
      expect(readParameterValue(param('money', { min: -10 }), -5)).toEqual({ ok: false, key: 'money' });
    });
  });

  describe('text', () => {
    const text = param('text');

    it('turns a string into a German text', () => {
      expect(readParameterValue(text, 'Rathaus')).toEqual({ ok: true, value: { de: 'Rathaus' } });
    });

    it('takes a localized text as it is', () => {
      const value = { de: 'Rathaus', en: 'Town hall', 'de-x-ls': 'Das Rat-Haus' };
      expect(readParameterValue(text, value)).toEqual({ ok: true, value });
    });

    it.each([
      [{ en: 'Town hall' }],
      [{ de: 'Rathaus', fr: 'Mairie' }],
      [{ de: 3 }],
      [{ de: 'Rathaus', en: null }],
      [['Rathaus']],
      [3],
      [null],
      [true],
    ])('refuses %j', (raw) => {
      expect(readParameterValue(text, raw)).toEqual({ ok: false, key: 'text_value' });
    });
  });

  describe('enum', () => {
    const options = [
      { value: 'no', label: { de: 'Nein' } },
      { value: 'yes', label: { de: 'Ja' } },
    ];

    it('takes one of the values', () => {
      expect(readParameterValue(param('enum', { options }), 'yes')).toEqual({ ok: true, value: 'yes' });
    });

    it.each(['maybe', 'Yes', true, ['yes']])('refuses %j and names the values', (raw) => {
      expect(readParameterValue(param('enum', { options }), raw)).toEqual({
        ok: false,
        key: 'one_of',
        params: { allowed: 'no, yes' },
      });
    });

    it('takes nothing when there are no options', () => {
      expect(readParameterValue(param('enum'), 'yes')).toEqual({ ok: false, key: 'one_of', params: { allowed: '' } });
    });
  });

  describe('list', () => {
    it('takes a list of strings, also an empty one', () => {
      expect(readParameterValue(param('list'), ['A', 'B'])).toEqual({ ok: true, value: ['A', 'B'] });
      expect(readParameterValue(param('list'), [])).toEqual({ ok: true, value: [] });
    });

    it.each([[['A', '']], [['A', 3]], ['A'], [{ 0: 'A' }], [[['A']]]])('refuses %j', (raw) => {
      expect(readParameterValue(param('list'), raw)).toEqual({ ok: false, key: 'list_value' });
    });
  });

  describe('office', () => {
    const office = param('office');

    it('takes an id of the tenant offices', () => {
      expect(readParameterValue(office, 'buergerbuero', ['buergerbuero', 'strassenverkehr'])).toEqual({
        ok: true,
        value: 'buergerbuero',
      });
    });

    it('refuses an id the tenant does not have and names the ones it has', () => {
      expect(readParameterValue(office, 'standesamt', ['buergerbuero', 'strassenverkehr'])).toEqual({
        ok: false,
        key: 'office_unknown',
        params: { value: 'standesamt', allowed: 'buergerbuero, strassenverkehr' },
      });
      expect(readParameterValue(office, 'standesamt', [])).toEqual({
        ok: false,
        key: 'office_unknown',
        params: { value: 'standesamt', allowed: '' },
      });
    });

    it('takes any id when no offices are given (a default in a definition)', () => {
      expect(readParameterValue(office, 'irgendeins')).toEqual({ ok: true, value: 'irgendeins' });
    });

    it('refuses what is not a string, showing it as JSON', () => {
      expect(readParameterValue(office, { id: 'x' }, ['x'])).toEqual({
        ok: false,
        key: 'office_unknown',
        params: { value: '{"id":"x"}', allowed: 'x' },
      });
      expect(readParameterValue(office, 3)).toEqual({
        ok: false,
        key: 'office_unknown',
        params: { value: '3', allowed: '' },
      });
    });
  });

  describe('duration', () => {
    it.each(['P1Y', 'P6M', 'P14D', 'P2W', 'P1Y6M', 'P1Y2M3W4D', 'P0D'])('takes %j', (raw) => {
      expect(readParameterValue(param('duration'), raw)).toEqual({ ok: true, value: raw });
    });

    it.each(['P', '', 'P1H', 'PT1H', 'P1.5Y', 'P6M1Y', '1Y', 'p1y', 'P1Y ', 'P-1D', 12])('refuses %j', (raw) => {
      expect(readParameterValue(param('duration'), raw)).toEqual({ ok: false, key: 'duration' });
    });
  });
});

describe('DURATION', () => {
  it('wants at least one part, in the order Y M W D', () => {
    expect(DURATION.test('P')).toBe(false);
    expect(DURATION.test('P1M1Y')).toBe(false);
    expect(DURATION.test('P1D1W')).toBe(false);
    expect(DURATION.test('P10Y11M12W13D')).toBe(true);
  });
});
