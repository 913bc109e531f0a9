import { toFaults } from './applications.service';

describe('field errors as faults', () => {
  it('carry the key and parameters of a check', () => {
    expect(toFaults([{ field: 'plz', key: 'pattern', params: { max: 5 } }] as never, 'de')).toEqual([
      { field: 'plz', key: 'pattern', params: { max: 5 } },
    ]);
  });

  it("carry a rule's own message in the applicant's language, German where it has none", () => {
    const errors = [{ field: 'anschrift', key: 'rule', message: { de: 'Nicht im Gemeindegebiet.', en: 'Outside.' } }];
    expect(toFaults(errors as never, 'en')[0].key).toBe('Outside.');
    expect(toFaults(errors as never, 'de-x-ls')[0].key).toBe('Nicht im Gemeindegebiet.');
  });
});
