import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import type { FieldDefinition, FormDefinition, FormItem, GroupDefinition } from '../form.model';
import { pathAfterRemoval, placeAttachments, resolveFilePath, slotHolder } from './file-paths';
import { answersFromFormPost } from './form-post';
import { validateAnswers } from './validate-answers';

const form = (owner: string, key: string): FormDefinition =>
  (
    parse(readFileSync(join(projectRoot(), 'tenants', owner, 'processes', key, '1.1.0.yaml'), 'utf8')) as {
      form: FormDefinition;
    }
  ).form;

const GEWERBE = form('recklinghausen', 'gewerbeanzeige');
const MELDE = form('dortmund', 'meldebescheinigung');

const file = (id: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  id,
  type: 'file',
  label: { de: id },
  ...extra,
});
const group = (id: string, items: FormItem[], repeat?: GroupDefinition['repeat']): GroupDefinition => ({
  id,
  type: 'group',
  title: { de: id },
  items,
  ...(repeat ? { repeat } : {}),
});
/** Files at the top level, in a plain group, in a repeated group and in a repeat within a repeat. */
const NESTED: FormDefinition = {
  pages: [
    {
      id: 'p',
      title: { de: 'P' },
      items: [
        file('nachweis'),
        { id: 'name', type: 'text', label: { de: 'Name' } },
        group('kind', [file('sorgerecht')]),
        group('personen', [file('titel'), group('kinder', [file('ausweis')], { min: 0, max: 3 })], { min: 1, max: 2 }),
        group('fahrzeuge', [file('schein')], { min: 0 }),
      ],
    },
  ],
};

describe('resolveFilePath', () => {
  it('names file fields at the top level and in groups that are not repeated by their id', () => {
    expect(resolveFilePath(NESTED, 'nachweis')).toMatchObject({ path: 'nachweis', field: { id: 'nachweis' } });
    expect(resolveFilePath(NESTED, 'sorgerecht')).toMatchObject({ path: 'sorgerecht', entries: [] });
    expect(resolveFilePath(MELDE, 'sorgerecht')?.field.type).toBe('file');
    expect(resolveFilePath(NESTED, 'kind.sorgerecht')).toBeUndefined();
  });

  it('names file fields in repeated groups by group, index and id, also nested', () => {
    const slot = resolveFilePath(GEWERBE, 'personen.1.aufenthaltstitel');
    expect(slot).toMatchObject({ path: 'personen.1.aufenthaltstitel', field: { id: 'aufenthaltstitel' } });
    expect(slot?.entries.map((e) => [e.group.id, e.index])).toEqual([['personen', 1]]);
    const nested = resolveFilePath(NESTED, 'personen.1.kinder.2.ausweis');
    expect(nested?.entries.map((e) => [e.group.id, e.index])).toEqual([
      ['personen', 1],
      ['kinder', 2],
    ]);
    // Without `max`, the platform's bound of entries applies.
    expect(resolveFilePath(NESTED, 'fahrzeuge.99.schein')).toBeDefined();
    expect(resolveFilePath(NESTED, 'fahrzeuge.100.schein')).toBeUndefined();
  });

  it('refuses indexes at or beyond the largest number of entries, and any index that is no plain decimal', () => {
    expect(resolveFilePath(GEWERBE, 'personen.9.aufenthaltstitel')).toBeDefined();
    for (const path of [
      'personen.10.aufenthaltstitel',
      'personen.01.aufenthaltstitel',
      'personen.-1.aufenthaltstitel',
      'personen.1e0.aufenthaltstitel',
      'personen. 1.aufenthaltstitel',
      'personen.1 .aufenthaltstitel',
      'personen.99999999999999999999.aufenthaltstitel',
      'personen.0x1.aufenthaltstitel',
      'personen..aufenthaltstitel',
      'personen.aufenthaltstitel',
      'personen.0',
      'personen',
      'aufenthaltstitel',
      'personen.0.familienname',
      'personen.0.aufenthaltstitel.0',
      'personen.0.aufenthaltstitel.',
      'NESTED.personen.2.kinder.0.ausweis',
    ]) {
      expect([path, resolveFilePath(GEWERBE, path)]).toEqual([path, undefined]);
    }
    expect(resolveFilePath(NESTED, 'personen.2.kinder.0.ausweis')).toBeUndefined();
    expect(resolveFilePath(NESTED, 'personen.0.kinder.3.ausweis')).toBeUndefined();
  });

  it('takes no property of the prototype and no other type for a field, never throwing', () => {
    for (const path of [
      '__proto__',
      'constructor',
      'toString',
      'personen.__proto__.aufenthaltstitel',
      'personen.0.__proto__',
    ]) {
      expect(resolveFilePath(GEWERBE, path)).toBeUndefined();
    }
    for (const value of [undefined, null, 1, ['registerauszug'], { toString: () => 'registerauszug' }, '']) {
      expect(resolveFilePath(GEWERBE, value)).toBeUndefined();
    }
    expect(resolveFilePath(GEWERBE, `${'personen.0.'.repeat(40)}aufenthaltstitel`)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.constantFrom('personen', '0', '1', '01', '-1', '__proto__', 'aufenthaltstitel', ''))
            .map((p) => p.join('.')),
        ),
        (path) => {
          const slot = resolveFilePath(GEWERBE, path);
          // Whatever is found is a file field, and its path is the one given.
          if (slot) expect([slot.field.type, slot.path]).toEqual(['file', path]);
        },
      ),
    );
  });
});

describe('placeAttachments', () => {
  const attachments = {
    nachweis: [{ id: 'n' }],
    'personen.0.titel': [{ id: 'a' }, { id: 'b' }],
    'personen.1.kinder.0.ausweis': [{ id: 'k' }],
    'personen.5.titel': [{ id: 'beyond' }],
  };

  it('puts the ids of each path into its entry, leaves out entries that do not exist, keeps the answers given', () => {
    const answers = {
      name: 'X',
      sorgerecht: ['stale'],
      personen: [{ titel: ['old'] }, { titel: ['gone'], kinder: [{}] }],
    };
    const frozen = JSON.stringify(answers);
    expect(placeAttachments(NESTED, answers, attachments)).toEqual({
      name: 'X',
      nachweis: ['n'],
      sorgerecht: [],
      personen: [{ titel: ['a', 'b'] }, { kinder: [{ ausweis: ['k'] }] }],
    });
    expect(JSON.stringify(answers)).toBe(frozen);
  });

  it('leaves entries that are no objects as they are', () => {
    expect(placeAttachments(NESTED, { personen: ['x', null] }, attachments)).toMatchObject({ personen: ['x', null] });
  });
});

describe('slotHolder', () => {
  it('is the entry that holds the answer, or undefined when it does not exist', () => {
    const answers = { personen: [{ vornamen: 'A' }, { vornamen: 'B' }] };
    expect(slotHolder(answers, resolveFilePath(GEWERBE, 'personen.1.aufenthaltstitel')!)).toEqual({ vornamen: 'B' });
    expect(slotHolder(answers, resolveFilePath(GEWERBE, 'personen.2.aufenthaltstitel')!)).toBeUndefined();
    expect(slotHolder({}, resolveFilePath(GEWERBE, 'registerauszug')!)).toEqual({});
  });
});

describe('pathAfterRemoval', () => {
  const removed = { path: 'personen', index: 1 };

  it('lets the files of the removed entry go and moves those of later entries up', () => {
    expect(pathAfterRemoval('personen.1.aufenthaltstitel', removed)).toBeNull();
    expect(pathAfterRemoval('personen.1.kinder.0.ausweis', removed)).toBeNull();
    expect(pathAfterRemoval('personen.2.aufenthaltstitel', removed)).toBe('personen.1.aufenthaltstitel');
    expect(pathAfterRemoval('personen.12.kinder.3.ausweis', removed)).toBe('personen.11.kinder.3.ausweis');
  });

  it('leaves earlier entries and other fields alone', () => {
    expect(pathAfterRemoval('personen.0.aufenthaltstitel', removed)).toBeUndefined();
    expect(pathAfterRemoval('personenliste.2.x', removed)).toBeUndefined();
    expect(pathAfterRemoval('registerauszug', removed)).toBeUndefined();
    expect(pathAfterRemoval('personen.1.kinder.0.ausweis', { path: 'personen.1.kinder', index: 0 })).toBeNull();
    expect(pathAfterRemoval('personen.1.kinder.2.ausweis', { path: 'personen.1.kinder', index: 0 })).toBe(
      'personen.1.kinder.1.ausweis',
    );
  });

  it('is reported by a form post only when the remove button took an entry of a repeated group out', () => {
    const post = (action: string) =>
      answersFromFormPost(GEWERBE, 'personenSeite', {
        'personen._count': '2',
        'personen.0.familienname': 'A',
        'personen.1.familienname': 'B',
        _action: action,
      });
    expect(post('remove:personen.0').removed).toEqual({ path: 'personen', index: 0 });
    expect(post('remove:personen.0').answers.personen).toEqual([expect.objectContaining({ familienname: 'B' })]);
    expect(post('remove:personen.5').removed).toBeUndefined();
    expect(post('remove:nirgends.0').removed).toBeUndefined();
    expect(post('add:personen').removed).toBeUndefined();
    expect(post('next').removed).toBeUndefined();
  });
});

describe('validateAnswers: files in repeated groups', () => {
  const pdf = (id: string) => ({ id, mediaType: 'application/pdf', size: 100 });
  const person = (euBuerger: 'ja' | 'nein', extra: Record<string, unknown> = {}) => ({
    familienname: 'Demir',
    vornamen: 'Ayşe',
    geschlecht: 'w',
    geburtsdatum: '1990-03-01',
    geburtsort: 'Ankara, Türkei',
    staatsangehoerigkeit: 'türkisch',
    euBuerger,
    wohnanschrift: { street: 'Kaiserwall', houseNumber: '1', postalCode: '45657', city: 'Recklinghausen' },
    ...extra,
  });
  const validate = (answers: Record<string, unknown>, attachments: Record<string, ReturnType<typeof pdf>[]>) =>
    validateAnswers(GEWERBE, placeAttachments(GEWERBE, answers, attachments), {
      params: {},
      pageIds: ['personenSeite'],
      attachments,
      today: '2026-06-15',
    }).errors;

  it('requires the file per entry, where the entry asks for it', () => {
    const answers = { art: 'anmeldung', personen: [person('nein'), person('nein')] };
    expect(validate(answers, { 'personen.0.aufenthaltstitel': [pdf('a')] })).toEqual([
      { field: 'personen.1.aufenthaltstitel', key: 'required' },
    ]);
    expect(
      validate(answers, { 'personen.0.aufenthaltstitel': [pdf('a')], 'personen.1.aufenthaltstitel': [pdf('b')] }),
    ).toEqual([]);
  });

  it('does not require it where the entry hides it, nor for a deregistration', () => {
    expect(
      validate(
        { art: 'anmeldung', personen: [person('nein'), person('ja')] },
        { 'personen.0.aufenthaltstitel': [pdf('a')] },
      ),
    ).toEqual([]);
    expect(validate({ art: 'abmeldung', personen: [person('nein')] }, {})).toEqual([]);
  });

  it('ignores files of entries that do not exist, and takes no file of another entry', () => {
    const answers = { art: 'anmeldung', personen: [person('nein')] };
    expect(validate(answers, { 'personen.1.aufenthaltstitel': [pdf('b')] })).toEqual([
      { field: 'personen.0.aufenthaltstitel', key: 'required' },
    ]);
    const named = { art: 'anmeldung', personen: [person('nein', { aufenthaltstitel: ['b'] })] };
    const { errors } = validateAnswers(GEWERBE, named, {
      params: {},
      pageIds: ['personenSeite'],
      attachments: { 'personen.1.aufenthaltstitel': [pdf('b')] },
    });
    expect(errors).toEqual([{ field: 'personen.0.aufenthaltstitel', key: 'file_missing' }]);
  });

  it('takes the custody document of the Meldebescheinigung, answered at the top level, as optional', () => {
    const attachments = { sorgerecht: [pdf('s')] };
    const answers = placeAttachments(MELDE, { fuerWen: 'kind' }, attachments);
    expect(answers.sorgerecht).toEqual(['s']);
    const { answers: kept, errors } = validateAnswers(MELDE, answers, { params: {}, attachments });
    expect(errors.some((e) => e.field === 'sorgerecht')).toBe(false);
    expect(kept.sorgerecht).toEqual(['s']);
  });
});
