import { Rules } from '@openrathaus/forms';
import { DocumentsError } from './documents.error';
import { addDuration, berlinDate, isExpired, validUntil } from './validity';

describe('validity', () => {
  it('counts periods as § 188 BGB does', () => {
    expect(addDuration('2026-03-15', 'P1Y')).toBe('2027-03-15');
    expect(addDuration('2026-01-31', 'P1M')).toBe('2026-02-28');
    expect(addDuration('2024-02-29', 'P1Y')).toBe('2025-02-28');
    expect(addDuration('2026-12-20', 'P14D')).toBe('2027-01-03');
    expect(addDuration('2026-03-15', 'P1Y6M')).toBe('2027-09-15');
    expect(addDuration('2026-03-15', 'P2W')).toBe('2026-03-29');
    expect(() => addDuration('2026-03-15', 'P')).toThrow();
    expect(() => addDuration('2026-03-15', 'PT1H')).toThrow();
  });

  it('takes the calendar day in Germany', () => {
    expect(berlinDate(new Date('2026-03-14T23:30:00Z'))).toBe('2026-03-15');
    expect(berlinDate(new Date('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
  });

  it('evaluates the template rule over answers and params', () => {
    const rules = new Rules();
    const at = new Date('2026-03-15T10:00:00Z');
    expect(validUntil(rules, { var: 'params.validity' }, { answers: {}, params: { validity: 'P1Y' } }, at)).toBe(
      '2027-03-15',
    );
    expect(
      validUntil(
        rules,
        { if: [{ '==': [{ var: 'answers.kurz' }, true] }, 'P6M', 'P2Y'] },
        { answers: { kurz: true }, params: {} },
        at,
      ),
    ).toBe('2026-09-15');
    expect(validUntil(rules, undefined, { answers: {}, params: {} }, at)).toBeNull();
    expect(validUntil(rules, { var: 'params.none' }, { answers: {}, params: {} }, at)).toBeNull();
    expect(() => validUntil(rules, { var: 'params.validity' }, { answers: {}, params: { validity: 12 } }, at)).toThrow(
      DocumentsError,
    );
    expect(() => validUntil(rules, { '/': [1, 0] }, { answers: {}, params: {} }, at)).toThrow(DocumentsError);
  });

  it('expires after the last valid day has passed in Germany', () => {
    expect(isExpired('2027-03-15', new Date('2027-03-15T22:59:00Z'))).toBe(false);
    expect(isExpired('2027-03-15', new Date('2027-03-15T23:00:00Z'))).toBe(true);
    expect(isExpired(null, new Date('2100-01-01'))).toBe(false);
  });
});
