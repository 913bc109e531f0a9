import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { PDFDocument, PDFDict, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import { importEsm } from '@openrathaus/core';
import { DocumentPdfView, renderDocumentPdf } from './document-pdf';

interface PdfJs {
  getDocument(src: { data: Uint8Array; standardFontDataUrl: string; verbosity: number }): {
    promise: Promise<{
      numPages: number;
      getPage(n: number): Promise<{ getTextContent(): Promise<{ items: { str?: string }[] }> }>;
    }>;
  };
}

const view = (over: Partial<DocumentPdfView> = {}): DocumentPdfView => ({
  language: 'de',
  tenantName: 'Stadt Recklinghausen',
  primaryColor: '#c8102e',
  title: 'Bewohnerparkausweis',
  content:
    'Stadt Recklinghausen – Straßenverkehrsbehörde\n\nBEWOHNERPARKAUSWEIS Nr. RE-2026-000123\n\nAmtliches Kennzeichen: RE-AB 123\n' +
    'Bewohnerparkzone: A\nGültig bis: 15.03.2027\n\nDer Ausweis berechtigt zum Parken (Zusatzzeichen „Bewohner mit Parkausweis Nr. … frei“).',
  holder: 'Erika Mustermann',
  number: 'RE-2026-000123',
  issuedAt: new Date('2026-03-15T10:00:00Z'),
  issuedAtText: '15.03.2026',
  validUntilText: '15.03.2027',
  verifyUrl: 'https://recklinghausen.example/verify/recklinghausen.7K3M-9QXT-2BHD-4RW5',
  verifyCode: 'recklinghausen.7K3M-9QXT-2BHD-4RW5',
  labels: {
    number: 'Nummer',
    holder: 'Inhaberin oder Inhaber',
    issuedAt: 'Ausgestellt am',
    validUntil: 'Gültig bis einschließlich',
    verifyHint: 'Echtheit prüfen: QR-Code scannen oder den Prüfcode eingeben.',
    page: 'Seite {page} von {pages}',
  },
  ...over,
});

async function text(bytes: Uint8Array): Promise<string[]> {
  const pdfjs = await importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts/');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => i.str ?? '').join('\n'));
  }
  return pages;
}

/** The QR code's text, read from the PNG pdf-lib embedded (raw pixels, Flate-compressed). */
async function qrText(bytes: Uint8Array): Promise<string | undefined> {
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

describe('document PDF', () => {
  it('is one A4 page with the facts, the text, a QR code of the URL and metadata', async () => {
    const bytes = await renderDocumentPdf(view());
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(pdf.getTitle()).toBe('Bewohnerparkausweis');
    expect(pdf.getAuthor()).toBe('Stadt Recklinghausen');
    expect(pdf.getCreationDate()?.toISOString()).toBe('2026-03-15T10:00:00.000Z');
    const [page] = await text(bytes);
    for (const expected of [
      'Stadt Recklinghausen',
      'RE-AB 123',
      'Bewohnerparkzone: A',
      '15.03.2027',
      'Erika Mustermann',
      '„Bewohner mit Parkausweis Nr. … frei“',
      '7K3M-9QXT-2BHD-4RW5',
    ]) {
      expect(page).toContain(expected);
    }
    expect(await qrText(bytes)).toBe(view().verifyUrl);
  });

  it('draws any answer, replacing what the standard fonts lack, and flows long text onto more pages', async () => {
    const long = Array.from(
      { length: 120 },
      (_, i) => `Zeile ${i + 1}: Şahin Łukasz 🚗 東京 ${'x'.repeat(i % 3 ? 5 : 140)}`,
    ).join('\n');
    const bytes = await renderDocumentPdf(
      view({ holder: 'Łukasz Şahin 🚗', content: long, tenantName: 'Gemeinde \u0000Ümlaut' }),
    );
    const pages = await text(bytes);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0]).toContain('Lukasz Sahin ?');
    expect(pages.join('\n')).toContain('Zeile 120');
    expect(pages[pages.length - 1]).toContain(`Seite ${pages.length} von ${pages.length}`);
  });

  it('puts a PNG logo in the letterhead and shrugs off a broken one', async () => {
    const png = new PNG({ width: 40, height: 40 });
    png.data.fill(200);
    const logo = { bytes: PNG.sync.write(png), type: 'png' as const };
    const withLogo = await PDFDocument.load(await renderDocumentPdf(view({ logo })));
    const images = (d: PDFDocument) =>
      d.getPage(0).node.Resources()?.lookup(PDFName.of('XObject'), PDFDict)?.entries().length ?? 0;
    expect(images(withLogo)).toBe(2);
    const broken = await PDFDocument.load(
      await renderDocumentPdf(view({ logo: { bytes: Buffer.from('no png'), type: 'png' } })),
    );
    expect(images(broken)).toBe(1);
  });
});
