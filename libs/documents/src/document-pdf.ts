import { PDFDocument, PDFFont, PDFImage, PDFPage, RGB, StandardFonts, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { ScriptWriter, embedUnicodeFonts, isRightToLeft, standardFontsSuffice } from './pdf-script';

/** A picture for the letterhead; only raster formats can go into a PDF as they are. */
export interface PdfLogo {
  bytes: Uint8Array;
  type: 'png' | 'jpg';
}

/** Everything a document's PDF shows, already in its language (labels and dates as text). */
export interface DocumentPdfView {
  /** BCP 47 language of the document, e.g. `de`. */
  language: string;
  tenantName: string;
  /** `#rrggbb`. */
  primaryColor?: string;
  logo?: PdfLogo;
  title: string;
  /** The template's rendered body: plain text with line breaks. */
  content: string;
  holder: string;
  number: string;
  issuedAt: Date;
  issuedAtText: string;
  validUntilText: string;
  verifyUrl: string;
  verifyCode: string;
  labels: {
    number: string;
    holder: string;
    issuedAt: string;
    validUntil: string;
    /** Under the QR code: how to check the document without a camera. */
    verifyHint: string;
    /** `{page}` and `{pages}` are filled in. */
    page: string;
  };
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const QR_SIZE = 130;
const BODY_SIZE = 11;
const BODY_LEADING = 15;
const FOOTER_HEIGHT = 48;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.35, 0.35, 0.4);

const colour = (hex: string | undefined): RGB => {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m ? rgb(parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255) : rgb(0, 0.29, 0.58);
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** Every text the document draws, but the ASCII verification code. */
const documentTexts = (view: DocumentPdfView): string[] =>
  [view.tenantName, view.title, view.content, view.holder, view.number, view.issuedAtText, view.validUntilText].concat(
    Object.values(view.labels),
  );

/**
 * The PDF of a document: A4, the tenant's colour bar and name (with its logo where it has a
 * raster one; SVG cannot be embedded), title, the facts (number, holder, dates) beside a QR code
 * of the verification URL with the code printed under it, then the body text over as many pages
 * as it needs. Standard fonts when they can draw every letter (every viewer has them); else an
 * embedded Unicode font with shaping and right-to-left lines (Turkish, Polish, Cyrillic, Arabic).
 */
export async function renderDocumentPdf(view: DocumentPdfView): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const standard: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  const unicode = !standardFontsSuffice(documentTexts(view), new Set(standard.regular.getCharacterSet()));
  // The verification code is ASCII: the standard Courier draws it in every document.
  const fonts: Fonts = unicode ? { ...(await embedUnicodeFonts(pdf)), mono: standard.mono } : standard;
  const w = new ScriptWriter(unicode, isRightToLeft(view.language) ? 'rtl' : undefined);
  const brand = colour(view.primaryColor);
  const [width, height] = A4;
  const inner = width - 2 * MARGIN;

  // Metadata is UTF-16: it takes any character, unlike the drawn text.
  pdf.setTitle(view.title, { showInWindowTitleBar: true });
  pdf.setAuthor(view.tenantName);
  pdf.setSubject(`${view.title} ${view.number}`);
  pdf.setKeywords([view.number, view.verifyCode]);
  pdf.setCreator('OpenRathaus');
  pdf.setProducer('OpenRathaus');
  pdf.setLanguage(view.language);
  pdf.setCreationDate(view.issuedAt);
  pdf.setModificationDate(view.issuedAt);

  const pages: PDFPage[] = [];
  const newPage = (): PDFPage => {
    const page = pdf.addPage(A4);
    page.drawRectangle({ x: 0, y: height - 14, width, height: 14, color: brand });
    pages.push(page);
    return page;
  };

  const page = newPage();
  let y = height - 40;

  // Letterhead: logo (when a raster one exists) and the tenant's name.
  const logo = await embedLogo(pdf, view.logo);
  let nameX = MARGIN;
  if (logo) {
    const scale = Math.min(52 / logo.height, 120 / logo.width);
    const size = { width: logo.width * scale, height: logo.height * scale };
    page.drawImage(logo, { x: MARGIN, y: y - size.height, ...size });
    nameX = MARGIN + size.width + 12;
    y -= Math.max(size.height - 30, 0);
  }
  for (const line of w.lines(fonts.bold, 16, view.tenantName, width - MARGIN - nameX)) {
    w.draw(page, line, { x: nameX, y: y - 20, size: 16, font: fonts.bold, color: brand, right: width - MARGIN });
    y -= 20;
  }
  y -= 18;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: width - MARGIN, y }, thickness: 1, color: brand });
  y -= 40;

  for (const line of w.lines(fonts.bold, 22, view.title, inner)) {
    w.draw(page, line, { x: MARGIN, y, size: 22, font: fonts.bold, color: INK, right: width - MARGIN });
    y -= 28;
  }
  y -= 8;

  // Facts on the left, the QR code with the code under it on the right.
  const top = y;
  const qr = await pdf.embedPng(
    await QRCode.toBuffer(view.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 }),
  );
  const qrX = width - MARGIN - QR_SIZE;
  page.drawImage(qr, { x: qrX, y: top - QR_SIZE, width: QR_SIZE, height: QR_SIZE });
  let qy = top - QR_SIZE - 4;
  // The tenant and the serial on lines of their own: a long slug would not fit the QR code's width.
  const dot = view.verifyCode.lastIndexOf('.') + 1;
  for (const part of [view.verifyCode.slice(0, dot), view.verifyCode.slice(dot)]) {
    for (const line of w.lines(fonts.mono, 9, part, QR_SIZE + 40)) {
      const lw = w.width(fonts.mono, 9, line);
      w.draw(page, line, { x: qrX + (QR_SIZE - lw) / 2, y: qy - 9, size: 9, font: fonts.mono, color: INK });
      qy -= 11;
    }
  }

  const factsWidth = qrX - MARGIN - 24;
  const facts: [string, string][] = [
    [view.labels.number, view.number],
    [view.labels.holder, view.holder],
    [view.labels.issuedAt, view.issuedAtText],
    [view.labels.validUntil, view.validUntilText],
  ];
  let fy = top;
  for (const [label, value] of facts) {
    const right = MARGIN + factsWidth;
    w.draw(page, w.safe(fonts.regular, label), {
      x: MARGIN,
      y: fy - 9,
      size: 9,
      font: fonts.regular,
      color: MUTED,
      right,
    });
    fy -= 13;
    for (const line of w.lines(fonts.bold, 13, value, factsWidth)) {
      w.draw(page, line, { x: MARGIN, y: fy - 13, size: 13, font: fonts.bold, color: INK, right });
      fy -= 17;
    }
    fy -= 9;
  }
  y = Math.min(fy, qy) - 24;

  // The body, over further pages when it is long.
  let current = page;
  for (const line of w.lines(fonts.regular, BODY_SIZE, view.content, inner)) {
    if (y < MARGIN + FOOTER_HEIGHT) {
      current = newPage();
      y = height - 60;
    }
    if (line)
      w.draw(current, line, { x: MARGIN, y, size: BODY_SIZE, font: fonts.regular, color: INK, right: width - MARGIN });
    y -= line ? BODY_LEADING : BODY_LEADING * 0.6;
  }

  pages.forEach((p, i) => drawFooter(p, w, fonts, view, i + 1, pages.length, brand));
  return pdf.save();
}

function drawFooter(
  page: PDFPage,
  w: ScriptWriter,
  fonts: Fonts,
  view: DocumentPdfView,
  n: number,
  total: number,
  brand: RGB,
) {
  const [width] = A4;
  const top = MARGIN + FOOTER_HEIGHT - 16;
  page.drawLine({ start: { x: MARGIN, y: top }, end: { x: width - MARGIN, y: top }, thickness: 0.5, color: brand });
  let y = top - 12;
  for (const line of w.lines(fonts.regular, 8, view.labels.verifyHint, width - 2 * MARGIN - 70)) {
    w.draw(page, line, { x: MARGIN, y, size: 8, font: fonts.regular, color: MUTED, right: width - MARGIN - 70 });
    y -= 10;
  }
  const label = w.safe(fonts.regular, view.labels.page.replace('{page}', String(n)).replace('{pages}', String(total)));
  const lw = w.width(fonts.regular, 8, label);
  w.draw(page, label, { x: width - MARGIN - lw, y: top - 12, size: 8, font: fonts.regular, color: MUTED });
}

/** The logo as an image of the PDF, or undefined when it is not a PNG or JPEG it can read. */
async function embedLogo(pdf: PDFDocument, logo: PdfLogo | undefined): Promise<PDFImage | undefined> {
  if (!logo) return undefined;
  try {
    return logo.type === 'png' ? await pdf.embedPng(logo.bytes) : await pdf.embedJpg(logo.bytes);
  } catch {
    // A damaged picture costs the letterhead its logo, never the document.
    return undefined;
  }
}
