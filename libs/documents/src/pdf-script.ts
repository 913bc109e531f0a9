import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import bidiFactory from 'bidi-js';
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import { drawableText, wrapText } from './pdf-text';

/** Marks that steer the direction of text; they have no glyph and are never drawn. */
export const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

const bidi = bidiFactory();
const ARABIC = /\p{Script=Arabic}/u;
const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur']);

/** Whether a document in this BCP 47 language reads right to left (its layout is mirrored). */
export function isRightToLeft(language: string): boolean {
  return RTL_LANGUAGES.has(language.split('-')[0].toLowerCase());
}

/** A piece of a line in one direction, in the order it is drawn from left to right. */
export interface VisualRun {
  /** The characters in reading order (the font's shaper turns an Arabic run around itself). */
  text: string;
  rtl: boolean;
}

/** A line laid out for drawing: its runs from left to right, and whether it reads right to left. */
export interface VisualLine {
  runs: VisualRun[];
  rtl: boolean;
}

/**
 * Lays out one line by the Unicode Bidirectional Algorithm: the direction of the paragraph from its
 * first strong letter (or `base`), the levels of its characters, the runs reordered for display
 * (rule L2). Numbers, IBANs and plates inside Arabic
 * keep their order; isolates (U+2066…U+2069) are honoured, then dropped.
 */
export function visualLine(line: string, base?: 'ltr' | 'rtl'): VisualLine {
  const levels = bidi.getEmbeddingLevels(line, base);
  const runs: { start: number; end: number; level: number }[] = [];
  for (let i = 0; i < line.length; i++) {
    const level = levels.levels[i];
    const last = runs[runs.length - 1];
    if (last && last.level === level) last.end = i + 1;
    else runs.push({ start: i, end: i + 1, level });
  }
  // L2: from the highest level down to the lowest odd one, reverse every sequence at that level or higher.
  const max = Math.max(0, ...runs.map((r) => r.level));
  const lowestOdd = Math.min(...runs.map((r) => r.level).filter((l) => l % 2 === 1), max + 1);
  for (let level = max; level >= lowestOdd; level--) {
    for (let i = 0; i < runs.length; i++) {
      if (runs[i].level < level) continue;
      let j = i;
      while (j + 1 < runs.length && runs[j + 1].level >= level) j++;
      runs.splice(i, j - i + 1, ...runs.slice(i, j + 1).reverse());
      i = j;
    }
  }
  const out: VisualRun[] = [];
  for (const run of runs) {
    let text = '';
    // Brackets are mirrored by the shaper (OpenType `rtlm`), not here.
    for (let i = run.start; i < run.end; i++) text += line[i];
    text = text.replace(BIDI_CONTROLS, '');
    if (!text) continue;
    const rtl = run.level % 2 === 1;
    // The shaper turns around runs of Arabic letters only; a right-to-left run of punctuation or
    // spaces is turned here.
    out.push({ text: rtl && !ARABIC.test(text) ? [...text].reverse().join('') : text, rtl });
  }
  return { runs: out, rtl: (levels.paragraphs[0]?.level ?? 0) % 2 === 1 };
}

export interface UnicodeFonts {
  regular: PDFFont;
  bold: PDFFont;
}

const fontFiles = (): { regular: Buffer; bold: Buffer } => {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: readFileSync(join(dir, 'DejaVuSans.ttf')), bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')) };
};
let files: ReturnType<typeof fontFiles> | undefined;

/**
 * Fonts for text the standard PDF fonts cannot draw (Turkish ı ş ğ, Polish ł, Cyrillic, Arabic):
 * DejaVu Sans, embedded as a subset, shaped by fontkit (Arabic letters join, lam-alef becomes one
 * glyph). Reading the font's tables costs about a second per document: only documents that need it pay. The PDF's text layer maps each glyph back to its letters, so the text can be searched,
 * copied and read aloud.
 */
export async function embedUnicodeFonts(pdf: PDFDocument): Promise<UnicodeFonts> {
  files ??= fontFiles();
  pdf.registerFontkit(fontkit);
  // No lam-alef ligature: PDF readers turn a right-to-left line around letter by letter when they
  // extract it, and would read the two letters of one glyph backwards (a screen reader too). Joined
  // lam and alef read the same and extract right. Kerning: pdf-lib draws without it.
  const features = { kern: false, liga: false };
  return {
    regular: await pdf.embedFont(files.regular, { subset: true, features }),
    bold: await pdf.embedFont(files.bold, { subset: true, features }),
  };
}

/**
 * Whether every text can be drawn in the standard PDF fonts, whose character set (Windows-1252) is
 * `charset`; when it can, a document needs no embedded font (every viewer has the standard ones).
 */
export function standardFontsSuffice(texts: readonly string[], charset: ReadonlySet<number>): boolean {
  return texts.every((text) =>
    [...text.replace(BIDI_CONTROLS, '').replace(/\r?\n|\t/g, ' ')].every((c) => charset.has(c.codePointAt(0) ?? 0)),
  );
}

/** Where and how {@link ScriptWriter.draw} draws a line. */
export interface DrawLine {
  x: number;
  y: number;
  size: number;
  font: PDFFont;
  color: RGB;
  /** Where a right-to-left line ends (it is set flush right); without it, it starts at `x`. */
  right?: number;
}

/**
 * Measures, wraps and draws lines in either the standard fonts or the fonts of
 * {@link embedUnicodeFonts}. Draws only what the font can encode (see {@link drawableText}). With
 * the Unicode fonts, each line is laid out by the bidirectional algorithm and drawn run by run; a
 * right-to-left line is set flush right.
 */
export class ScriptWriter {
  private readonly charsets = new Map<PDFFont, ReadonlySet<number>>();
  private readonly advances = new Map<PDFFont, Map<string, number>>();

  /**
   * @param unicode whether the fonts are the embedded Unicode ones
   * @param base the direction of every line; without it, each line takes the direction of its
   *   first strong letter
   */
  constructor(
    private readonly unicode = false,
    private readonly base?: 'ltr' | 'rtl',
  ) {}

  /** The text as the font can draw it. */
  safe(font: PDFFont, text: string): string {
    let set = this.charsets.get(font);
    if (!set) {
      set = new Set(font.getCharacterSet());
      this.charsets.set(font, set);
    }
    return drawableText(text, set, this.unicode);
  }

  /**
   * The width of a text. Laying out with the embedded font is slow (fontkit shapes the whole
   * string), so text without Arabic is measured letter by letter from a cache: it has no shaping,
   * and pdf-lib draws it without kerning anyway.
   */
  width(font: PDFFont, size: number, text: string): number {
    const plain = text.replace(BIDI_CONTROLS, '');
    if (!this.unicode || ARABIC.test(plain)) return font.widthOfTextAtSize(plain, size);
    let cache = this.advances.get(font);
    if (!cache) this.advances.set(font, (cache = new Map<string, number>()));
    let units = 0;
    for (const char of plain) {
      let advance = cache.get(char);
      if (advance === undefined) cache.set(char, (advance = font.widthOfTextAtSize(char, 1000)));
      units += advance;
    }
    return (units * size) / 1000;
  }

  /** The text made drawable and broken into lines no wider than `width`. */
  lines(font: PDFFont, size: number, text: string, width: number): string[] {
    return wrapText(this.safe(font, text), (t) => this.width(font, size, t), width);
  }

  /** Draws one line (already made drawable by {@link safe} or {@link lines}). */
  draw(page: PDFPage, text: string, { x, y, size, font, color, right }: DrawLine): void {
    if (!this.unicode) {
      page.drawText(text, { x, y, size, font, color });
      return;
    }
    const line = visualLine(text, this.base);
    const widths = line.runs.map((run) => this.width(font, size, run.text));
    let at = line.rtl && right !== undefined ? right - widths.reduce((a, b) => a + b, 0) : x;
    line.runs.forEach((run, i) => {
      page.drawText(run.text, { x: at, y, size, font, color });
      at += widths[i];
    });
  }
}
