import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import bidiFactory from 'bidi-js';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/** Marks that steer the direction of text; they have no glyph and are never drawn. */
export const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

const bidi = bidiFactory();
const ARABIC = /\p{Script=Arabic}/u;

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
