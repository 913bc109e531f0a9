const BIDI_CONTROL = /^[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]$/;

/** Letters without a decomposition into a base letter and marks, spelt the way German registers do. */
const SPELLED: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŋ: 'n',
  Ŋ: 'N',
  ſ: 's',
  ẞ: 'SS',
  ĸ: 'k',
  ŀ: 'l',
  Ŀ: 'L',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2032': "'",
  '\u2033': '"',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u2007': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\t': ' ',
};

/**
 * Text the standard PDF fonts can draw: they know only Windows-1252 (WinAnsi), which has the German
 * letters, „ “ ‚ ‘ – — … € § and most Western European letters. Anything else is replaced, never
 * thrown over: a letter with marks by its base letter (ş -> s), a few letters by their usual
 * spelling (ł -> l), other characters by `?`; control characters are dropped. Line breaks stay.
 */
export function drawableText(text: string, charset: ReadonlySet<number>, keepBidiControls = false): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n').normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0;
    if (BIDI_CONTROL.test(char)) {
      // Direction marks are read by the line layout of the Unicode fonts; the standard ones drop them.
      if (keepBidiControls) out += char;
      continue;
    }
    if (char === '\n' || charset.has(code)) out += char;
    else if (SPELLED[char] !== undefined) out += SPELLED[char];
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || /\p{M}/u.test(char)) continue;
    else {
      const base = char.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => charset.has(c.codePointAt(0) ?? 0)) ? base : '?';
    }
  }
  return out;
}

/** Measures text in some font at some size (pdf-lib's `widthOfTextAtSize`). */
export type Measure = (text: string) => number;

/**
 * Breaks text into lines no wider than `width`: at the template's line breaks, between words, and
 * inside a word only when the word alone is too wide (a long registration number, a URL). Empty
 * lines (paragraph breaks) stay.
 */
export function wrapText(text: string, measure: Measure, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (measure(rest) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && measure(rest.slice(0, cut)) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
