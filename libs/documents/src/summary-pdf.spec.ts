import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { pdfText, pdfTextItems } from '@openrathaus/testing';
import { SummaryPdfView, renderSummaryPdf } from './summary-pdf';

const view = (over: Partial<SummaryPdfView> = {}): SummaryPdfView => ({
  language: 'de',
  tenantName: 'Stadt Recklinghausen',
  title: 'Gewerbeanzeige – Antrag RE-2026-000123',
  facts: [
    { label: 'Antragsnummer', value: 'RE-2026-000123' },
    { label: 'Antragstellende Person', value: 'Erika Mustermann, erika@example.org' },
  ],
  rows: [
    { label: 'Straße', value: 'Große Geldstraße 7' },
    { label: 'IBAN', value: 'DE89 3704 0044 0532 0130 00' },
  ],
  pageLabel: 'Seite {page} von {pages}',
  createdAt: new Date('2026-03-15T10:00:00Z'),
  ...over,
});

/** Whether the PDF carries a font file (an embedded font) and the names of the fonts its pages use. */
async function fonts(bytes: Uint8Array): Promise<{ embedded: boolean; names: string[] }> {
  const pdf = await PDFDocument.load(bytes);
  const names = new Set<string>();
  for (const page of pdf.getPages()) {
    const dict = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    for (const [, ref] of dict?.entries() ?? []) {
      names.add(pdf.context.lookup(ref, PDFDict).get(PDFName.of('BaseFont'))?.toString() ?? '');
    }
  }
  const embedded = pdf.context
    .enumerateIndirectObjects()
    .some(([, o]) => o instanceof PDFDict && o.has(PDFName.of('FontFile2')));
  return { embedded, names: [...names] };
}

const lri = '\u2066';
const pdi = '\u2069';

/** Labels and values in the languages citizens write in; each value must come back as it is. */
const multilingual: SummaryPdfView['rows'] = [
  { label: 'Straße und Hausnummer', value: 'Große Geldstraße 7, 45657 Recklinghausen' },
  { label: 'Adı soyadı', value: 'Işıl Şahin Ağaoğlu, İzmir' },
  { label: 'Imię i nazwisko', value: 'Łukasz Żółkiewski' },
  { label: 'Прізвище та ім’я', value: 'Олена Коваленко' },
  { label: 'Улица', value: 'улица Тверская, дом 12' },
  { label: 'العنوان', value: 'شارع الملك فهد' },
  { label: 'رقم اللوحة', value: `اللوحة ${lri}RE-AB 123${pdi}` },
  { label: 'IBAN', value: 'DE89 3704 0044 0532 0130 00' },
];

// Reading the embedded font and starting pdf.js take seconds on a busy machine.
jest.setTimeout(60_000);

describe('summary PDF', () => {
  it('keeps to the standard fonts when every letter is in them', async () => {
    const bytes = await renderSummaryPdf(view());
    expect(await fonts(bytes)).toEqual({ embedded: false, names: ['/Helvetica-Bold', '/Helvetica'] });
    const [page] = await pdfText(bytes);
    for (const expected of [
      'Stadt Recklinghausen',
      'Große Geldstraße 7',
      'DE89 3704 0044 0532 0130 00',
      'Seite 1 von 1',
    ]) {
      expect(page).toContain(expected);
    }
  });

  it('prints German, Turkish, Polish, Cyrillic and Arabic labels and values as written', async () => {
    const bytes = await renderSummaryPdf(
      view({
        title: 'Gewerbeanzeige – Antrag RE-2026-000123',
        facts: [
          { label: 'Antragstellende Person', value: 'Олена Коваленко, olena@example.org' },
          { label: 'Antragsnummer', value: 'RE-2026-000123' },
        ],
        rows: multilingual,
      }),
    );
    const used = await fonts(bytes);
    expect(used.embedded).toBe(true);
    expect(used.names.every((n) => /DejaVuSans/.test(n))).toBe(true);
    const [raw] = await pdfText(bytes);
    // Arabic is drawn in its joined forms; read back (NFKC), they are the letters again, in logical order.
    const page = raw.normalize('NFKC');
    for (const expected of [
      'Gewerbeanzeige – Antrag RE-2026-000123',
      'Олена Коваленко, olena@example.org',
      ...multilingual.filter((r) => !r.value.includes(lri)).flatMap((r) => [r.label, r.value]),
      'رقم اللوحة',
      'اللوحة',
      'RE-AB 123',
    ]) {
      expect(page).toContain(expected);
    }
    expect(page).not.toContain('?');
  });

  it('sets an Arabic value flush right in its column, and mirrors the columns in a right-to-left language', async () => {
    const rows = [
      { label: 'Name', value: 'Олена Коваленко' },
      { label: 'العنوان', value: 'شارع الملك فهد' },
    ];
    const x = (items: { str: string; x: number }[], str: string) =>
      items.find((i) => i.str.normalize('NFKC') === str)?.x ?? NaN;

    const [german] = await pdfTextItems(await renderSummaryPdf(view({ rows })));
    // Left to right: labels from the left margin, values from the middle; the Arabic ones end where
    // their column ends, so they start further right than the others.
    expect(x(german, 'Name')).toBeCloseTo(56, 0);
    expect(x(german, 'العنوان')).toBeGreaterThan(x(german, 'Name') + 20);
    expect(x(german, 'شارع الملك فهد')).toBeGreaterThan(x(german, 'Олена Коваленко') + 20);

    const bytes = await renderSummaryPdf(
      view({
        language: 'ar',
        title: 'طلب RE-2026-000123',
        facts: [{ label: 'رقم الطلب', value: 'RE-2026-000123' }],
        rows,
        pageLabel: 'الصفحة {page} من {pages}',
      }),
    );
    const [arabic] = await pdfTextItems(bytes);
    // Right to left: labels in the right column, values in the left one.
    expect(x(arabic, 'العنوان')).toBeGreaterThan(300);
    expect(x(arabic, 'رقم الطلب')).toBeGreaterThan(300);
    expect(x(arabic, 'شارع الملك فهد')).toBeLessThan(300);
    expect(x(arabic, 'Олена Коваленко')).toBeCloseTo(56, 0);
    const page = (await pdfText(bytes))[0].normalize('NFKC');
    for (const expected of ['طلب', 'RE-2026-000123', 'الصفحة', 'من']) expect(page).toContain(expected);
    expect(page).not.toContain('?');
  });

  it('flows many answers onto further pages, each numbered', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => ({ label: `Feld ${i + 1}`, value: `Олена ${i + 1}` }));
    const pages = await pdfText(await renderSummaryPdf(view({ rows })));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.join('\n')).toContain('Олена 80');
    expect(pages[pages.length - 1]).toContain(`Seite ${pages.length} von ${pages.length}`);
  });
});
