/** U+2060 WORD JOINER: invisible, not allowed in a URL or an address, so nothing parses across it. */
const JOINER = '\u2060';
const SCHEME = /\b([a-z][a-z0-9+.-]{1,30}):(?=\/\/)/gi;
const SEPARATORS = /[.@:]/g;

/**
 * Text a citizen typed, made safe to show in a mail of the city: a web or mail address in it
 * (`www.evil.example/login`, `http://…`, `a@b.de`) stays readable but no longer looks like one to
 * the auto-linkers of mail clients, nor to our own text-to-HTML step. A word joiner goes around
 * every `.`, `@` and `:` (invisible in both the text and the HTML part), and a scheme's colon is
 * bracketed (`http[:]//`), visibly, for clients that drop invisible characters.
 */
export function inertText(text: string): string {
  return text.replace(SCHEME, '$1[:]').replace(SEPARATORS, (c) => `${JOINER}${c}${JOINER}`);
}

/** {@link inertText} on every string in a JSON-like value (answers, names); other values as they are. */
export function inertData<T>(value: T): T {
  if (typeof value === 'string') return inertText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inertData(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inertData(v)])) as T;
  }
  return value;
}
