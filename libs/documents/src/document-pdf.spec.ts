import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { PNG } from 'pngjs';
import { pdfQrText, pdfText } from '@openrathaus/testing';
import { DocumentPdfView, renderDocumentPdf } from './document-pdf';

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

// Reading the embedded font and starting pdf.js take seconds on a busy machine.
jest.setTimeout(60_000);

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
    const [page] = await pdfText(bytes);
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
    expect(await pdfQrText(bytes)).toBe(view().verifyUrl);
  });

  it('draws any answer, in the embedded font where the standard fonts lack letters, and flows long text onto more pages', async () => {
    const long = Array.from(
      { length: 120 },
      (_, i) => `Zeile ${i + 1}: Şahin Łukasz 🚗 東京 ${'x'.repeat(i % 3 ? 5 : 140)}`,
    ).join('\n');
    const bytes = await renderDocumentPdf(
      view({ holder: 'Łukasz Şahin 🚗', content: long, tenantName: 'Gemeinde \u0000Ümlaut' }),
    );
    const pages = await pdfText(bytes);
    expect(pages.length).toBeGreaterThan(2);
    // Polish and Turkish letters are drawn as they are; only what no font here has becomes `?`.
    expect(pages[0]).toContain('Łukasz Şahin ?');
    expect(pages.join('\n')).toContain('Zeile 120');
    expect(pages[pages.length - 1]).toContain(`Seite ${pages.length} von ${pages.length}`);
  });

  it('draws Arabic shaped and right to left, with numbers, plates and IBANs left to right inside', async () => {
    const lri = '\u2066';
    const pdi = '\u2069';
    const bytes = await renderDocumentPdf(
      view({
        language: 'ar',
        title: 'تصريح الوقوف للسكان',
        content: `رقم اللوحة: ${lri}RE-AB 123${pdi}\nالرسم: ${lri}30,70 €${pdi}\nالحساب: ${lri}DE89 3704 0044 0532 0130 00${pdi}`,
        issuedAtText: `${lri}15.03.2026${pdi}`,
        labels: { ...view().labels, number: 'الرقم', holder: 'صاحب الوثيقة', page: 'الصفحة {page} من {pages}' },
      }),
    );
    const [raw] = await pdfText(bytes);
    // The glyphs are the joined forms (shaping happened); read back, they are the letters again.
    const page = raw.normalize('NFKC');
    for (const expected of [
      'تصريح الوقوف للسكان',
      'رقم اللوحة',
      'RE-AB 123',
      '30,70 €',
      'DE89 3704 0044 0532 0130 00',
      'صاحب الوثيقة',
      '15.03.2026',
      'Erika Mustermann',
    ]) {
      expect(page).toContain(expected);
    }
    expect(page).not.toContain('?');
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
