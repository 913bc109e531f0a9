import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import { drawableText, wrapText } from './pdf-text';

let helvetica: Set<number>;

beforeAll(async () => {
  const pdf = await PDFDocument.create();
  helvetica = new Set((await pdf.embedFont(StandardFonts.Helvetica)).getCharacterSet());
});

/** Every German and English document template and tenant name the platform ships. */
function shippedTexts(): string[] {
  const tenants = join(projectRoot(), 'tenants');
  const texts: string[] = [];
  for (const slug of readdirSync(tenants)) {
    const tenant = parse(readFileSync(join(tenants, slug, 'tenant.yaml'), 'utf8')) as { name: string };
    texts.push(tenant.name);
    let keys: string[] = [];
    try {
      keys = readdirSync(join(tenants, slug, 'processes'));
    } catch {
      continue;
    }
    for (const key of keys) {
      for (const file of readdirSync(join(tenants, slug, 'processes', key)).filter((f) => f.endsWith('.yaml'))) {
        const doc = parse(readFileSync(join(tenants, slug, 'processes', key, file), 'utf8')) as {
          documents?: Record<string, { title: Record<string, string>; body: Record<string, string> }>;
        };
        // German and English: the languages the standard fonts serve (the others get the embedded font).
        const standard = (text: Record<string, string>) =>
          Object.entries(text)
            .filter(([locale]) => locale === 'de' || locale === 'en')
            .map(([, value]) => value);
        for (const t of Object.values(doc.documents ?? {})) texts.push(...standard(t.title), ...standard(t.body));
      }
    }
  }
  return texts;
}

describe('text for the standard PDF fonts', () => {
  it('keeps every character of the shipped templates and tenant names', () => {
    const texts = shippedTexts();
    expect(texts.length).toBeGreaterThan(20);
    for (const text of texts) expect(drawableText(text, helvetica)).toBe(text.normalize('NFC'));
    expect(drawableText('„Bewohner“ ‚A‘ – … § 45 € Äöüß é ø œ ©', helvetica)).toBe(
      '„Bewohner“ ‚A‘ – … § 45 € Äöüß é ø œ ©',
    );
  });

  it('replaces what it cannot draw, never throwing', () => {
    expect(drawableText('Łukasz Şahin Đorđević Dvořák', helvetica)).toBe('Lukasz Sahin Dordevic Dvorák');
    expect(drawableText('Zone 🚗 A', helvetica)).toBe('Zone ? A');
    expect(drawableText('東京 Ωμέγα', helvetica)).toBe('?? ?????');
    expect(drawableText('a\u0000b\u0007c\r\nd\te', helvetica)).toBe('abc\nd e');
    expect(drawableText('e\u0301', helvetica)).toBe('é');
    expect(drawableText('x\u0338', helvetica)).toBe('x');
    expect(drawableText('−1 10\u202f000', helvetica)).toBe('-1 10 000');
    expect(drawableText('\ud800', helvetica)).toBe('?');
  });

  it('wraps at spaces, keeps line breaks and breaks words too long for a line', () => {
    const measure = (t: string) => t.length;
    expect(wrapText('eins zwei drei vier', measure, 9)).toEqual(['eins zwei', 'drei vier']);
    expect(wrapText('a\n\nb', measure, 9)).toEqual(['a', '', 'b']);
    expect(wrapText('abcdefghijklmnop x', measure, 5)).toEqual(['abcde', 'fghij', 'klmno', 'p x']);
    expect(wrapText('', measure, 5)).toEqual(['']);
  });
});
