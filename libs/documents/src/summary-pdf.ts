import { PDFDocument, PDFFont, PDFPage, StandardFonts, rgb } from 'pdf-lib';
import { drawableText, wrapText } from './pdf-text';

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
 * label (labels in the left column, values wrapped in the right), over as many pages as it needs.
 * Standard fonts; characters they cannot draw are spelt as German registers do.
 */
export async function renderSummaryPdf(view: SummaryPdfView): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const charset = new Set(regular.getCharacterSet());
  const safe = (text: string) => drawableText(text, charset);
  const lines = (font: PDFFont, size: number, text: string, width: number): string[] =>
    wrapText(safe(text), (t) => font.widthOfTextAtSize(t, size), width);
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

  for (const line of lines(bold, 11, view.tenantName, inner)) {
    page.drawText(line, { x: MARGIN, y, size: 11, font: bold, color: MUTED });
    y -= 15;
  }
  y -= 10;
  for (const line of lines(bold, 18, view.title, inner)) {
    page.drawText(line, { x: MARGIN, y, size: 18, font: bold, color: INK });
    y -= 24;
  }
  y -= 6;
  const table = (rows: { label: string; value: string }[]) => {
    for (const row of rows) {
      const left = lines(bold, SIZE, row.label, labelWidth);
      const right = lines(regular, SIZE, row.value || '–', valueWidth);
      const count = Math.max(left.length, right.length);
      for (let i = 0; i < count; i++) {
        room(LEADING);
        if (left[i]) page.drawText(left[i], { x: MARGIN, y, size: SIZE, font: bold, color: INK });
        if (right[i])
          page.drawText(right[i], { x: MARGIN + labelWidth + 12, y, size: SIZE, font: regular, color: INK });
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
    const label = safe(view.pageLabel.replace('{page}', String(i + 1)).replace('{pages}', String(pages.length)));
    const w = regular.widthOfTextAtSize(label, 8);
    p.drawText(label, { x: width - MARGIN - w, y: MARGIN - 20, size: 8, font: regular, color: MUTED });
  });
  return pdf.save();
}
