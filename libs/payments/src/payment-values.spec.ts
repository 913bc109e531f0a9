import fc from 'fast-check';
import {
  PURPOSE_MAX,
  PURPOSE_PATTERN,
  amountFault,
  eurosToCents,
  paymentPurpose,
  purposeFault,
  purposeText,
} from './payment-values';
import { PaymentsError } from './payments.error';

describe('paymentPurpose', () => {
  it('puts the number first and as much of the title as fits into 27 characters', () => {
    expect(paymentPurpose('RE-2026-000123', 'Bewohnerparkausweis')).toBe('RE-2026-000123 Bewohnerpark');
    expect(paymentPurpose('RE-2026-000123', 'Hundesteuer')).toBe('RE-2026-000123 Hundesteuer');
  });

  it('cuts the title at a word where one fits', () => {
    expect(paymentPurpose('RE-2026-000123', 'Parkausweis für Bewohner')).toBe('RE-2026-000123 Parkausweis');
  });

  it('spells out umlauts and drops what XBezahldienste does not allow', () => {
    expect(paymentPurpose('A-1', 'Führungszeugnis (Übersicht)')).toBe('A-1 Fuehrungszeugnis');
    expect(paymentPurpose('A-1', 'Straßenfest – Café')).toBe('A-1 Strassenfest Cafe');
    expect(purposeText('Größe: 1,5 m²; «ok»')).toBe('Groesse 1 5 m2 ok');
  });

  it('keeps the number alone when no title is left or no room', () => {
    expect(paymentPurpose('RE-2026-000123', '!!!')).toBe('RE-2026-000123');
    expect(paymentPurpose('X'.repeat(25), 'Bewohnerparkausweis')).toBe('X'.repeat(25));
  });

  it('refuses a number that cannot stand in a purpose, naming the field', () => {
    expect(() => paymentPurpose('RE/2026', 'Test')).toThrow(PaymentsError);
    expect(() => paymentPurpose('', 'Test')).toThrow(PaymentsError);
    expect(() => paymentPurpose('X'.repeat(28), 'Test')).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ field: 'number' })] }),
    );
  });

  it('always gives a purpose XBezahldienste accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,27}$/), fc.string({ unit: 'binary' }), (number, title) => {
        const purpose = paymentPurpose(number, title);
        expect(purpose.length).toBeLessThanOrEqual(PURPOSE_MAX);
        expect(purpose).toMatch(PURPOSE_PATTERN);
        expect(purpose.startsWith(number)).toBe(true);
        expect(purposeFault(purpose)).toBeUndefined();
      }),
    );
  });
});

describe('payment values', () => {
  it('names what is wrong with a purpose', () => {
    expect(purposeFault(undefined)?.key).toBe('required');
    expect(purposeFault('x'.repeat(28))?.key).toBe('payments.purpose_length');
    expect(purposeFault('Gebühr')?.key).toBe('payments.purpose_characters');
    expect(purposeFault('RE-1 Gebuehr')).toBeUndefined();
  });

  it('takes whole positive cents up to 999 999 euros', () => {
    expect(amountFault(3070)).toBeUndefined();
    expect(amountFault(99_999_900)).toBeUndefined();
    for (const bad of [0, -1, 1.5, 99_999_901, '3070', NaN]) expect(amountFault(bad)?.key).toBe('payments.amount');
  });

  it('turns decimal euros into cents without float residue, refusing a third decimal', () => {
    expect(eurosToCents(30.7)).toBe(3070);
    expect(eurosToCents(0.1 + 0.2)).toBe(30);
    expect(eurosToCents(19.99)).toBe(1999);
    expect(eurosToCents(1.005)).toBeUndefined();
    expect(eurosToCents('30.70')).toBeUndefined();
    fc.assert(fc.property(fc.integer({ min: 1, max: 99_999_900 }), (cents) => eurosToCents(cents / 100) === cents));
  });
});
