import type { FieldFault } from '@openrathaus/core';
import { PaymentsError, PaymentsErrorCode } from './payments.error';

/** XBezahldienste 1.0: Verwendungszweck at most 27 characters. */
export const PURPOSE_MAX = 27;
/**
 * The characters XBezahldienste 1.0 allows in a purpose (`^[\w\d\s-]+$`, ECMAScript: ASCII word
 * characters, whitespace, hyphen): no umlauts, no punctuation. Bank statements of many payers
 * cannot show more, which is why the standard is this strict.
 */
export const PURPOSE_PATTERN = /^[A-Za-z0-9_\s-]+$/;
/** requestId, originatorId, endPointId, item ids: `^[\w\d-]+$`, at most 36 characters. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,36}$/;
/** Description shown on the pay page: at most 250 characters, Latin letters with accents allowed. */
export const DESCRIPTION_PATTERN = /^[A-Za-z0-9_\s\-,.\u00C0-\u017F]{1,250}$/;
/** XBezahldienste 1.0: grosAmount at most 999 999 (euros). */
export const MAX_AMOUNT_CENTS = 99_999_900;

/** The fault of a purpose, or undefined when XBezahldienste accepts it. */
export function purposeFault(value: unknown, field = 'purpose'): FieldFault | undefined {
  if (typeof value !== 'string' || !value.trim()) return { field, key: 'required' };
  if (value.length > PURPOSE_MAX) return { field, key: 'payments.purpose_length', params: { max: PURPOSE_MAX } };
  if (!PURPOSE_PATTERN.test(value)) return { field, key: 'payments.purpose_characters' };
  return undefined;
}

/** The fault of an amount in cents, or undefined when it is a whole, positive number within the limit. */
export function amountFault(value: unknown, field = 'amountCents'): FieldFault | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > MAX_AMOUNT_CENTS) {
    return { field, key: 'payments.amount', params: { max: MAX_AMOUNT_CENTS / 100 } };
  }
  return undefined;
}

/** The fault of a URL the browser is sent to, or undefined when it is an absolute http(s) URL. */
export function urlFault(value: unknown, field: string): FieldFault | undefined {
  if (typeof value !== 'string' || !value) return { field, key: 'required' };
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && value.length <= 2082) return undefined;
  } catch {
    // reported below
  }
  return { field, key: 'payments.url' };
}

/** Cents as the decimal euros XBezahldienste sends (`grosAmount`): 3070 → 30.7. */
export const centsToEuros = (cents: number): number => cents / 100;

/** Decimal euros as cents; undefined when the value is no amount of whole cents. */
export function eurosToCents(euros: unknown): number | undefined {
  if (typeof euros !== 'number' || !Number.isFinite(euros)) return undefined;
  const cents = Math.round(euros * 100);
  // 30.7 * 100 is 3069.9999999999995: allow for the binary fraction, refuse a third decimal.
  return Math.abs(euros * 100 - cents) < 1e-6 ? cents : undefined;
}

const FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ẞ: 'SS' };

/** A text in the characters a purpose allows: umlauts spelt out, accents dropped, the rest spaces. */
export function purposeText(text: string): string {
  return text
    .replace(/[äöüÄÖÜßẞ]/g, (c) => FOLD[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, ' ')
    .trim();
}

/**
 * The purpose (Verwendungszweck) of a payment: the application's number, then as much of the
 * service's title as fits into 27 characters, e.g. `RE-2026-000123 Bewohnerpark`. The number is
 * kept whole (the cash office finds the payment by it); the title is cut at a word where one
 * fits, else within the word.
 */
export function paymentPurpose(number: string, title: string): string {
  if (!ID_PATTERN.test(number) || number.length > PURPOSE_MAX) {
    throw new PaymentsError(PaymentsErrorCode.InvalidInput, {}, [{ field: 'number', key: 'payments.purpose_number' }]);
  }
  const room = PURPOSE_MAX - number.length - 1;
  const words = purposeText(title).split(' ').filter(Boolean);
  if (room < 3 || !words.length) return number;
  let text = '';
  for (const word of words) {
    const next = text ? `${text} ${word}` : word;
    if (next.length > room) break;
    text = next;
  }
  if (!text) text = words[0].slice(0, room);
  text = text.replace(/[\s_-]+$/, '');
  return text ? `${number} ${text}` : number;
}
