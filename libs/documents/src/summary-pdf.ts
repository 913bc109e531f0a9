import { PDFDocument, PDFPage, StandardFonts, rgb } from 'pdf-lib';
import { ScriptWriter, embedUnicodeFonts, isRightToLeft, standardFontsSuffice } from './pdf-script';

/** What the summary of an application for the office shows, already as text in its language. */
export interface SummaryPdfView {
  language: string;
  tenantName: string;
  /** `Gewerbeanzeige – Antrag RE-2026-000123`. */
  title: string;
  /** Facts above the answers: number, service and version, received, applicant, files. */
  facts: { label: string; value: string }[];
  /** Every answer under its label, in the form's order. */
  rows: { label: string; value: string }[];
  /** `{page}` and `{pages}` are filled in. */
  pageLabel: string;
  createdAt: Date;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const SIZE = 10;
const LEADING = 13.5;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.35, 0.35, 0.4);

/**
 * The application as a PDF for the office that receives it: the facts, then every answer with its
 * label (labels in the first column, values wrapped in the second), over as many pages as it needs.
 * Standard fonts when they can draw every letter; else the embedded Unicode font, so a name in
 * Cyrillic, a street in Arabic or a Turkish or Polish letter prints as the citizen wrote it. Each
 * line takes the direction of its first strong letter (an Arabic value is set flush right in its
 * column, an IBAN or plate inside it stays left to right); a summary in a right-to-left language
 * has its columns mirrored.
 */
export async function renderSummaryPdf(view: SummaryPdfView): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const standard = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const texts = [view.tenantName, view.title, view.pageLabel].concat(
    [...view.facts, ...view.rows].flatMap((row) => [row.label, row.value]),
  );
  const unicode = !standardFontsSuffice(texts, new Set(standard.regular.getCharacterSet()));
  const { regular, bold } = unicode ? await embedUnicodeFonts(pdf) : standard;
  const w = new ScriptWriter(unicode);
  const rtl = isRightToLeft(view.language);
  pdf.setTitle(view.title, { showInWindowTitleBar: true });
  pdf.setAuthor(view.tenantName);
  pdf.setCreator('OpenRathaus');
  pdf.setProducer('OpenRathaus');
  pdf.setLanguage(view.language);
  pdf.setCreationDate(view.createdAt);

  const [width, height] = A4;
  const inner = width - 2 * MARGIN;
  const labelWidth = inner * 0.38;
  const valueWidth = inner - labelWidth - 12;
  // Left edges of the columns: the labels on the side where reading starts.
  const labelX = rtl ? width - MARGIN - labelWidth : MARGIN;
  const valueX = rtl ? MARGIN : MARGIN + labelWidth + 12;
  const pages: PDFPage[] = [];
  let page = pdf.addPage(A4);
  pages.push(page);
  let y = height - MARGIN;
  const room = (needed: number) => {
    if (y - needed >= MARGIN + 24) return;
    page = pdf.addPage(A4);
    pages.push(page);
    y = height - MARGIN;
  };

  for (const line of w.lines(bold, 11, view.tenantName, inner)) {
    w.draw(page, line, { x: MARGIN, y, size: 11, font: bold, color: MUTED, right: width - MARGIN });
    y -= 15;
  }
  y -= 10;
  for (const line of w.lines(bold, 18, view.title, inner)) {
    w.draw(page, line, { x: MARGIN, y, size: 18, font: bold, color: INK, right: width - MARGIN });
    y -= 24;
  }
  y -= 6;
  const table = (rows: { label: string; value: string }[]) => {
    for (const row of rows) {
      const labels = w.lines(bold, SIZE, row.label, labelWidth);
      const values = w.lines(regular, SIZE, row.value || '–', valueWidth);
      const count = Math.max(labels.length, values.length);
      for (let i = 0; i < count; i++) {
        room(LEADING);
        if (labels[i])
          w.draw(page, labels[i], { x: labelX, y, size: SIZE, font: bold, color: INK, right: labelX + labelWidth });
        if (values[i])
          w.draw(page, values[i], { x: valueX, y, size: SIZE, font: regular, color: INK, right: valueX + valueWidth });
        y -= LEADING;
      }
      y -= 4;
    }
  };
  table(view.facts);
  room(20);
  page.drawLine({ start: { x: MARGIN, y: y + 4 }, end: { x: width - MARGIN, y: y + 4 }, thickness: 0.5, color: MUTED });
  y -= 12;
  table(view.rows);

  pages.forEach((p, i) => {
    const label = w.safe(
      regular,
      view.pageLabel.replace('{page}', String(i + 1)).replace('{pages}', String(pages.length)),
    );
    // In the corner where reading ends.
    const x = rtl ? MARGIN : width - MARGIN - w.width(regular, 8, label);
    w.draw(p, label, { x, y: MARGIN - 20, size: 8, font: regular, color: MUTED });
  });
  return pdf.save();
}
