/**
 * Checks and normalisations of single answers, one per kind of value. Pure functions without
 * the form around them; the validator decides which apply to a field.
 */

/** C0 controls but tab and line breaks, DEL, C1 controls, and UTF-16 halves without their partner. */
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a text holds characters no answer may hold: control characters (NUL breaks PostgreSQL's
 * jsonb, the others only hide text) and broken UTF-16. A multi-line text may hold tabs and line breaks.
 */
export function hasForbiddenCharacters(text: string, multiline = false): boolean {
  return (multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE).test(text) || LONE_SURROGATE.test(text);
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export function textLength(text: string): number {
  let n = 0;
  // Counting code points without building an array: the answer may be long.
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff || i === 0 || (text.charCodeAt(i - 1) & 0xfc00) !== 0xd800) n++;
  }
  return n;
}

const INTEGER = /^[+-]?\d+$/;
const GERMAN_GROUPED = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/;
const COMMA_DECIMAL = /^[+-]?\d*,\d+$/;
const POINT_DECIMAL = /^[+-]?\d*\.\d+$/;

/**
 * A number as people type it in a German form: `1234`, `1234,56`, `1.234,56`, `-0,5`, and also
 * `1234.56` (a point without a comma is a decimal point, as browsers send it). Spaces between
 * digit groups are ignored. Anything else, or more than 40 characters, is no number.
 */
export function parseGermanNumber(text: string): number | undefined {
  if (text.length > 40) return undefined;
  const s = text.replace(/[\s\u00A0\u202F]/g, '');
  let plain: string | undefined;
  if (INTEGER.test(s) || POINT_DECIMAL.test(s)) plain = s;
  else if (GERMAN_GROUPED.test(s)) plain = s.replace(/\./g, '').replace(',', '.');
  else if (COMMA_DECIMAL.test(s)) plain = s.replace(',', '.');
  if (plain === undefined) return undefined;
  const n = Number(plain);
  return Number.isFinite(n) ? n : undefined;
}

/** The number of decimal places a number needs (`1.5` → 1, `2` → 0, `1e-7` → 7). */
export function decimalPlaces(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const [mantissa, exponent] = Math.abs(n).toString().split('e');
  const places = (mantissa.split('.')[1] ?? '').length - Number(exponent ?? 0);
  return Math.max(0, places);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * A calendar date as ISO `yyyy-mm-dd`, from ISO or the German `d.m.yyyy` (which browsers without
 * a date picker let people type). `2026-02-30` is no date.
 */
export function parseDate(text: string): string | undefined {
  const iso = ISO_DATE.exec(text);
  const german = iso ? undefined : GERMAN_DATE.exec(text);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : german
      ? [Number(german[3]), Number(german[2]), Number(german[1])]
      : [0, 0, 0];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const BERLIN_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Germany as ISO `yyyy-mm-dd` (a form filled in at 00:30 in Berlin is on that day). */
export function todayInGermany(now: Date = new Date()): string {
  return BERLIN_DAY.format(now);
}

const ATEXT = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * An e-mail address a mail server takes: dot-atom local part (letters of any script allowed), a
 * domain of at least two labels with a top-level domain of letters, at most 254 characters.
 */
export function isEmailAddress(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at > 64) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (!local.split('.').every((part) => ATEXT.test(part))) return false;
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2) return false;
  return labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LEVEL.test(labels[labels.length - 1]);
}

/** The address with its domain in lower case (the local part belongs to the mail server). */
export function normaliseEmail(text: string): string {
  const at = text.lastIndexOf('@');
  return `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
}

const PHONE = /^\+?[\d ()/.-]+$/;

/** A phone number: digits with the usual separators, an optional leading `+`, 5 to 15 digits. */
export function isPhoneNumber(text: string): boolean {
  if (text.length > 30 || !PHONE.test(text)) return false;
  const digits = text.replace(/\D/g, '').length;
  return digits >= 5 && digits <= 15;
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** The remainder of the IBAN's number (country and check digits moved to the end) divided by 97. */
export function ibanRemainder(compact: string): number {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder;
}

/**
 * An IBAN without spaces in upper case when it is one: known country, its length (DE: 22), check
 * digits right (ISO 7064 mod 97-10). Spaces anywhere are allowed in the input.
 */
export function normaliseIban(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return undefined;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return undefined;
  return ibanRemainder(compact) === 1 ? compact : undefined;
}

/** An IBAN in groups of four, as it is printed. */
export const formatIban = (compact: string): string => compact.replace(/(.{4})(?=.)/g, '$1 ');

const PLATE = /^([A-ZÄÖÜ]{1,3})[-–\s]+([A-Z]{1,2})\s*([1-9]\d{0,3})\s?([EH])?$/;

/**
 * A German registration number in its usual form `GE-AB 123`: district (1–3 letters), 1–2
 * letters, 1–4 digits without a leading zero, at most 8 of them together, and `E` (electric) or
 * `H` (historic) at the end. `ge ab 123`, `GE-AB123`, `RE AB 123` are taken and written
 * `GE-AB 123`, `RE-AB 123`; `RE-X 1E` stays.
 */
export function normaliseLicensePlate(text: string): string | undefined {
  const match = PLATE.exec(text.trim().toUpperCase());
  if (!match) return undefined;
  const [, district, letters, digits, suffix = ''] = match;
  if (district.length + letters.length + digits.length > 8) return undefined;
  return `${district}-${letters} ${digits}${suffix}`;
}

/** A German postal code: five digits, not beginning with 00. */
export const isPostalCode = (text: string): boolean => /^(?!00)\d{5}$/.test(text);

/** Longest input a definition's pattern is run on; longer answers to a field with a pattern fail it. */
export const PATTERN_INPUT_LIMIT = 500;

/**
 * Why a definition's pattern cannot be used, or undefined when it can: `syntax` (no regular
 * expression) or `unsafe` (a repeated group that itself repeats, like `(a+)+`, or repeats an
 * alternation, or a back reference: such patterns can take exponential time on a crafted answer).
 */
export function patternProblem(pattern: string): 'syntax' | 'unsafe' | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'syntax';
  }
  return isSafePattern(pattern) ? undefined : 'unsafe';
}

interface GroupScan {
  /** The group holds a quantifier without upper bound (`*`, `+`, `{n,}`). */
  unbounded: boolean;
  /** The group holds a quantifier at all, or an alternation. */
  quantified: boolean;
  alternation: boolean;
}

/** A scan of the pattern's groups: a quantifier that repeats a group may not repeat a repetition. */
function isSafePattern(pattern: string): boolean {
  const stack: GroupScan[] = [{ unbounded: false, quantified: false, alternation: false }];
  let last: GroupScan | undefined; // the group that just closed, if the next token may quantify it
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    const top = stack[stack.length - 1];
    if (ch === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return false; // back reference
      i += 2;
      last = undefined;
      continue;
    }
    if (ch === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      last = undefined;
      continue;
    }
    if (ch === '(') {
      stack.push({ unbounded: false, quantified: false, alternation: false });
      i++;
      if (pattern[i] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') {
          while (i < pattern.length && pattern[i] !== '>') i++;
        }
        i++;
      }
      last = undefined;
      continue;
    }
    if (ch === ')') {
      const closed = stack.pop();
      if (!closed || stack.length === 0) return false;
      const parent = stack[stack.length - 1];
      parent.unbounded ||= closed.unbounded;
      parent.quantified ||= closed.quantified || closed.alternation;
      last = closed;
      i++;
      continue;
    }
    if (ch === '|') top.alternation = true;
    const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/.exec(pattern.slice(i));
    if (quantifier) {
      const [text, , comma, upper] = quantifier;
      const unbounded = text[0] === '*' || text[0] === '+' || (comma !== undefined && upper === '');
      const many = unbounded || text[0] === '{';
      if (last && many && (last.unbounded || (unbounded && (last.quantified || last.alternation)))) return false;
      top.quantified = true;
      top.unbounded ||= unbounded;
      i += text.length;
      last = undefined;
      continue;
    }
    last = undefined;
    i++;
  }
  return true;
}

const compiled = new Map<string, RegExp | null>();

/**
 * The definition's pattern anchored to the whole answer (`^(?:…)$`, Unicode), compiled once per
 * pattern; undefined when the pattern is unusable (see {@link patternProblem}). The definition
 * check refuses such patterns, so here they are only skipped.
 */
export function anchoredPattern(pattern: string): RegExp | undefined {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = patternProblem(pattern) ? null : new RegExp(`^(?:${pattern})$`, 'u');
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex ?? undefined;
}
