import type { ProcessDefinition } from '@openrathaus/catalog';
import type { FormItem } from '@openrathaus/forms';
import { fileFields, itemIds, withoutNul } from './answers';

const field = (id: string, type = 'text'): FormItem => ({ id, type, label: { de: id } }) as FormItem;
const group = (id: string, items: FormItem[], repeat?: { min: number; max?: number }): FormItem => ({
  id,
  type: 'group',
  title: { de: id },
  items,
  ...(repeat ? { repeat } : {}),
});

describe('answer keys', () => {
  it('are a field its id', () => {
    expect(itemIds(field('vorname'))).toEqual(['vorname']);
  });

  it('are none for an info text', () => {
    expect(itemIds({ id: 'hinweis', type: 'info', text: { de: 'x' } })).toEqual([]);
  });

  it('are the fields of a group that is not repeated, flat and at any depth', () => {
    expect(itemIds(group('person', [field('vorname'), group('geburt', [field('datum'), field('ort')])]))).toEqual([
      'vorname',
      'datum',
      'ort',
    ]);
  });

  it('are a repeated group its id (a list of objects)', () => {
    expect(itemIds(group('kinder', [field('name')], { min: 0, max: 5 }))).toEqual(['kinder']);
  });
});

describe('file fields', () => {
  it('are the file fields answered at the top level of any page, also in groups that are not repeated', () => {
    const definition = {
      form: {
        pages: [
          { id: 'a', title: { de: 'A' }, items: [field('foto', 'file'), field('name')] },
          {
            id: 'b',
            title: { de: 'B' },
            items: [
              group('kinder', [field('ausweis', 'file')], { min: 0 }),
              field('nachweis', 'file'),
              group('kind', [field('sorgerecht', 'file')]),
            ],
          },
        ],
      },
    } as unknown as ProcessDefinition;
    expect([...fileFields(definition).keys()]).toEqual(['foto', 'nachweis', 'sorgerecht']);
  });
});

describe('answer cleaning', () => {
  it('takes NUL out of strings and keys at any depth', () => {
    expect(withoutNul({ 'na\u0000me': 'Ma\u0000x', list: ['a\u0000', { x: '\u0000y' }] })).toEqual({
      name: 'Max',
      list: ['a', { x: 'y' }],
    });
  });

  it('leaves every other value as it is', () => {
    const answers = { n: 3, b: true, empty: null, text: 'Straße 1', nested: { d: '2026-01-01' } };
    expect(withoutNul(answers)).toEqual(answers);
  });

  it('stops descending below 64 levels', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 70; i++) deep = [deep];
    let cleaned = withoutNul(deep);
    for (let i = 0; i < 70; i++) cleaned = (cleaned as unknown[])[0];
    expect(cleaned).toBe('\u0000');
  });
});
