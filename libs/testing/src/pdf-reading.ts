import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, StandardFonts } from 'pdf-lib';
import { importEsm } from '@openrathaus/core';

interface PdfJs {
  getDocument(src: { data: Uint8Array; standardFontDataUrl: string; verbosity: number }): {
    promise: Promise<{
      numPages: number;
      getPage(n: number): Promise<{ getTextContent(): Promise<{ items: { str?: string; transform?: number[] }[] }> }>;
    }>;
  };
}

/** A piece of text a PDF reader (pdf.js) extracts, with where it starts on the page (points from the bottom left). */
export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
}

/** The pieces of text of each page, as a PDF reader (pdf.js) extracts them, with their positions. */
export async function pdfTextItems(bytes: Uint8Array): Promise<PdfTextItem[][]> {
  const pdfjs = await importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts/');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: PdfTextItem[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const { items } = await (await doc.getPage(n)).getTextContent();
    pages.push(items.map((i) => ({ str: i.str ?? '', x: i.transform?.[4] ?? 0, y: i.transform?.[5] ?? 0 })));
  }
  return pages;
}

/** The text of each page, as a PDF reader (pdf.js) extracts it. */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  return (await pdfTextItems(bytes)).map((items) => items.map((i) => i.str).join('\n'));
}

/** The text of the QR code on the first page: the embedded image's pixels (Flate), decoded. */
export async function pdfQrText(bytes: Uint8Array): Promise<string | undefined> {
  const pdf = await PDFDocument.load(bytes);
  const xobjects = pdf.getPage(0).node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
  for (const [, ref] of xobjects?.entries() ?? []) {
    const stream = pdf.context.lookup(ref);
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    const width = (stream.dict.get(PDFName.of('Width')) as PDFNumber).asNumber();
    const height = (stream.dict.get(PDFName.of('Height')) as PDFNumber).asNumber();
    const raw = inflateSync(stream.contents);
    const channels = raw.length / (width * height);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = raw[i * channels + (channels >= 3 ? c : 0)];
      rgba[i * 4 + 3] = 255;
    }
    const found = jsQR(rgba, width, height);
    if (found) return found.data;
  }
  return undefined;
}

/** A small but real PDF, as a citizen uploads it: the vehicle's registration certificate. */
export async function certificatePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.drawText('Zulassungsbescheinigung Teil I', {
    x: 50,
    y: 780,
    size: 18,
    font: await pdf.embedFont(StandardFonts.Helvetica),
  });
  page.drawText('RE-AB 123', { x: 50, y: 740, size: 14, font: await pdf.embedFont(StandardFonts.Courier) });
  return Buffer.from(await pdf.save());
}
