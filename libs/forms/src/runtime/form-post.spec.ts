import type { FormDefinition } from '../form.model';
import { nextPage, pageOfField, previousPage, visiblePages } from './form-navigation';
import { answersFromFormPost, formAction } from './form-post';
import { validateAnswers } from './validate-answers';

const form: FormDefinition = {
  pages: [
    {
      id: 'person',
      title: { de: 'Person' },
      items: [
        { id: 'vorname', type: 'text', label: { de: 'Vorname' }, required: true },
        { id: 'anzahl', type: 'number', label: { de: 'Anzahl' } },
        {
          id: 'merkzeichen',
          type: 'checkboxes',
          label: { de: 'Merkzeichen' },
          options: [
            { value: 'aG', label: { de: 'aG' } },
            { value: 'G', label: { de: 'G' } },
          ],
        },
        { id: 'einverstanden', type: 'consent', label: { de: 'Ja' } },
        { id: 'anschrift', type: 'address', label: { de: 'Anschrift' } },
        { id: 'nachweis', type: 'file', label: { de: 'Nachweis' }, repeat: { min: 0, max: 3 } },
        { id: 'hinweis', type: 'info', text: { de: 'Hinweis' } },
        {
          id: 'kontakt',
          type: 'group',
          title: { de: 'Kontakt' },
          items: [{ id: 'telefon', type: 'phone', label: { de: 'Telefon' } }],
        },
      ],
    },
    {
      id: 'kinderSeite',
      title: { de: 'Kinder' },
      visibleIf: { '>': [{ var: 'answers.anzahl' }, 0] },
      items: [
        {
          id: 'kinder',
          type: 'group',
          title: { de: 'Kind' },
          repeat: { min: 1, max: 3 },
          items: [
            { id: 'name', type: 'text', label: { de: 'Name' }, required: true },
            { id: 'pass', type: 'file', label: { de: 'Pass' } },
            { id: 'sprachen', type: 'text', label: { de: 'Sprache' }, repeat: { min: 0, max: 3 } },
          ],
        },
      ],
    },
    {
      id: 'schluss',
      title: { de: 'Schluss' },
      items: [{ id: 'ok', type: 'consent', label: { de: 'OK' }, required: true }],
    },
  ],
};

describe('formAction', () => {
  it('reads the button pressed', () => {
    expect(formAction({ _action: 'back' })).toEqual({ kind: 'back' });
    expect(formAction({ _action: 'later' })).toEqual({ kind: 'later' });
    expect(formAction({ _action: 'add:kinder' })).toEqual({ kind: 'add', path: 'kinder' });
    expect(formAction({ _action: 'remove:kinder.1' })).toEqual({ kind: 'remove', path: 'kinder', index: 1 });
    expect(formAction({ _action: 'remove:kinder.0.sprachen.2' })).toEqual({
      kind: 'remove',
      path: 'kinder.0.sprachen',
      index: 2,
    });
    expect(formAction({ _action: 'upload:kinder.0.pass' })).toEqual({ kind: 'upload', path: 'kinder.0.pass' });
    expect(formAction({ _action: 'remove-file:3f1c' })).toEqual({ kind: 'remove-file', attachmentId: '3f1c' });
    expect(formAction({ _action: ['back', 'next'] })).toEqual({ kind: 'back' });
  });

  it('takes anything else as next', () => {
    for (const body of [
      {},
      null,
      'x',
      { _action: 'drop:tables' },
      { _action: 'remove:kinder' },
      { _action: 'x'.repeat(600) },
    ]) {
      expect(formAction(body)).toEqual({ kind: 'next' });
    }
  });
});

describe('answersFromFormPost', () => {
  it('types the posted strings and gives every item of the page a key', () => {
    const post = answersFromFormPost(form, 'person', {
      _csrf: 't',
      vorname: 'Ada',
      anzahl: '1.234,5',
      merkzeichen: ['aG', 'G'],
      einverstanden: 'true',
      'anschrift.street': 'Markt',
      'anschrift.postalCode': '45879',
      'anschrift.city': '',
      nachweis: ['a1', 'a2'],
      telefon: '0209 1',
      unbekannt: 'x',
    });
    expect(post.stay).toBe(false);
    expect(post.answers).toEqual({
      vorname: 'Ada',
      anzahl: 1234.5,
      merkzeichen: ['aG', 'G'],
      einverstanden: true,
      anschrift: { street: 'Markt', postalCode: '45879' },
      nachweis: ['a1', 'a2'],
      telefon: '0209 1',
    });
    expect(Object.keys(post.answers)).toEqual(
      expect.arrayContaining(['vorname', 'anzahl', 'merkzeichen', 'einverstanden', 'anschrift', 'nachweis', 'telefon']),
    );
  });

  it('clears what was emptied when spread over the stored answers', () => {
    const stored = { vorname: 'Ada', merkzeichen: ['aG'], einverstanden: true, ok: true };
    const { answers } = answersFromFormPost(form, 'person', { vorname: '' });
    const merged = validateAnswers(form, { ...stored, ...answers }, { params: {} }).answers;
    expect(merged).toEqual({ ok: true });
  });

  it('passes wrong shapes on as they came, to fail validation', () => {
    const { answers } = answersFromFormPost(form, 'person', {
      vorname: ['a', 'b'],
      anzahl: 'viele',
      einverstanden: 'vielleicht',
    });
    expect(answers).toMatchObject({ vorname: ['a', 'b'], anzahl: 'viele', einverstanden: 'vielleicht' });
    const errors = validateAnswers(form, answers, { params: {}, pageIds: ['person'] }).errors.map((e) => [
      e.field,
      e.key,
    ]);
    expect(errors).toEqual([
      ['vorname', 'invalid'],
      ['anzahl', 'number'],
      ['einverstanden', 'invalid'],
    ]);
  });

  it('reads repeated groups and fields by index and count', () => {
    const { answers } = answersFromFormPost(form, 'kinderSeite', {
      'kinder._count': '2',
      'kinder.0.name': 'Ada',
      'kinder.0.pass': 'p1',
      'kinder.0.sprachen._count': '2',
      'kinder.0.sprachen.0': 'de',
      'kinder.0.sprachen.1': '',
      'kinder.1.name': '',
      'kinder.7.name': 'nicht gezählt',
    });
    expect(answers).toEqual({
      kinder: [
        { name: 'Ada', pass: ['p1'], sprachen: ['de'] },
        { name: undefined, pass: undefined, sprachen: undefined },
      ],
    });
    const counted = answersFromFormPost(form, 'kinderSeite', { 'kinder.0.name': 'a', 'kinder.1.name': 'b' });
    expect((counted.answers.kinder as unknown[]).length).toBe(2);
    const capped = answersFromFormPost(form, 'kinderSeite', { 'kinder._count': '9999' });
    expect((capped.answers.kinder as unknown[]).length).toBe(3);
  });

  it('adds and removes entries and attachments', () => {
    const body = { 'kinder._count': '2', 'kinder.0.name': 'Ada', 'kinder.1.name': 'Bo', 'kinder.1.pass': 'p2' };
    const added = answersFromFormPost(form, 'kinderSeite', { ...body, _action: 'add:kinder' });
    expect(added.stay).toBe(true);
    expect(added.answers.kinder).toHaveLength(3);
    const full = answersFromFormPost(form, 'kinderSeite', { ...body, 'kinder._count': '3', _action: 'add:kinder' });
    expect(full.answers.kinder).toHaveLength(3);
    const removed = answersFromFormPost(form, 'kinderSeite', { ...body, _action: 'remove:kinder.0' });
    expect(removed.answers.kinder).toEqual([{ name: 'Bo', pass: ['p2'], sprachen: undefined }]);
    const nested = answersFromFormPost(form, 'kinderSeite', { ...body, _action: 'add:kinder.1.sprachen' });
    expect((nested.answers.kinder as { sprachen: unknown }[])[1].sprachen).toEqual(['']);
    const detached = answersFromFormPost(form, 'kinderSeite', { ...body, _action: 'remove-file:p2' });
    expect((detached.answers.kinder as { pass: unknown }[])[1].pass).toBeUndefined();
    const elsewhere = answersFromFormPost(form, 'person', { nachweis: ['a1', 'a2'], _action: 'remove-file:a1' });
    expect(elsewhere.answers.nachweis).toEqual(['a2']);
    const foreign = answersFromFormPost(form, 'person', { ...body, _action: 'add:kinder' });
    expect(foreign.answers.kinder).toBeUndefined();
  });

  it('never throws, whatever the body', () => {
    for (const body of [
      undefined,
      null,
      42,
      'x',
      [],
      { vorname: { a: 1 } },
      { 'kinder._count': '-1' },
      { __proto__: 'x' },
    ]) {
      expect(() => answersFromFormPost(form, 'person', body)).not.toThrow();
      expect(() => answersFromFormPost(form, 'kinderSeite', body)).not.toThrow();
    }
    expect(answersFromFormPost(form, 'gibtsnicht', { vorname: 'x' }).answers).toEqual({});
  });
});

describe('navigation', () => {
  it('skips pages whose rule fails', () => {
    expect(visiblePages(form, {}, {}).map((p) => p.id)).toEqual(['person', 'schluss']);
    expect(visiblePages(form, { anzahl: 2 }, {}).map((p) => p.id)).toEqual(['person', 'kinderSeite', 'schluss']);
    expect(nextPage(form, 'person', {}, {})).toBe('schluss');
    expect(nextPage(form, 'person', { anzahl: 2 }, {})).toBe('kinderSeite');
    expect(nextPage(form, 'schluss', {}, {})).toBeUndefined();
    expect(previousPage(form, 'schluss', {}, {})).toBe('person');
    expect(previousPage(form, 'person', {}, {})).toBeUndefined();
  });

  it('finds the page of an answer path', () => {
    expect(pageOfField(form, 'anschrift.postalCode')).toBe('person');
    expect(pageOfField(form, 'telefon')).toBe('person');
    expect(pageOfField(form, 'kinder.1.name')).toBe('kinderSeite');
    expect(pageOfField(form, 'nix')).toBeUndefined();
  });
});
