import type { FieldDefinition } from '../form.model';
import { checkUpload, isRefusedUpload, MAX_UPLOAD_BYTES, sanitiseFilename, sniffMediaType } from './upload-check';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const SAMPLES: Record<string, Uint8Array> = {
  'application/pdf': bytes('%PDF-1.7\n%âãÏÓ\n1 0 obj'),
  'image/png': bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0]),
  'image/webp': bytes('RIFF', [36, 0, 0, 0], 'WEBPVP8 '),
  'image/tiff': bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]),
  'image/heic': bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0], 'mif1heic'),
};
const EXE = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]);

const file = (constraints?: FieldDefinition['constraints']): FieldDefinition => ({
  id: 'nachweis',
  type: 'file',
  label: { de: 'Nachweis' },
  constraints,
});

describe('sniffMediaType', () => {
  it.each(Object.entries(SAMPLES))('knows %s by its first bytes', (type, sample) => {
    expect(sniffMediaType(sample)).toBe(type);
  });

  it('knows big-endian TIFF and HEIF containers that list HEIC', () => {
    expect(sniffMediaType(bytes([0x4d, 0x4d, 0x00, 0x2a]))).toBe('image/tiff');
    expect(sniffMediaType(bytes([0, 0, 0, 24], 'ftypmif1', [0, 0, 0, 0], 'mif1heic'))).toBe('image/heic');
  });

  it('knows nothing else', () => {
    expect(sniffMediaType(EXE)).toBeUndefined();
    expect(sniffMediaType(bytes([0, 0, 0, 24], 'ftypavif', [0, 0, 0, 0], 'avifmif1'))).toBeUndefined();
    expect(sniffMediaType(bytes('<html>'))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array())).toBeUndefined();
    expect(sniffMediaType(bytes('%PD'))).toBeUndefined();
  });
});

describe('checkUpload', () => {
  it('accepts PDF, PNG and JPEG by default, whatever the name says', () => {
    expect(checkUpload(file(), { bytes: SAMPLES['image/png'], filename: 'scan.pdf' })).toEqual({
      mediaType: 'image/png',
      size: SAMPLES['image/png'].length,
      filename: 'scan.pdf',
    });
    expect(isRefusedUpload(checkUpload(file(), { bytes: SAMPLES['image/gif'], filename: 'a.gif' }))).toBe(true);
  });

  it('follows the media types of the definition', () => {
    const images = file({ mediaTypes: ['image/heic', 'image/webp'] });
    expect(checkUpload(images, { bytes: SAMPLES['image/heic'], filename: 'IMG_1.HEIC' })).toMatchObject({
      mediaType: 'image/heic',
    });
    expect(checkUpload(images, { bytes: SAMPLES['application/pdf'], filename: 'a.pdf' })).toEqual({
      errors: [{ field: 'nachweis', key: 'file_type', params: { accepted: 'HEIC, WebP' } }],
    });
  });

  it('refuses a program dressed up as a PDF as disguised', () => {
    expect(checkUpload(file(), { bytes: EXE, filename: 'Bescheid.pdf' })).toEqual({
      errors: [{ field: 'nachweis', key: 'disguised', params: { accepted: 'PDF, PNG, JPEG' } }],
    });
    expect(checkUpload(file(), { bytes: EXE, filename: 'x', contentType: 'application/pdf' })).toMatchObject({
      errors: [{ key: 'disguised' }],
    });
    expect(checkUpload(file(), { bytes: EXE, filename: 'setup.exe' })).toMatchObject({
      errors: [{ key: 'file_type' }],
    });
  });

  it('refuses empty and too large files, with an absolute cap of 20 MiB', () => {
    expect(checkUpload(file(), { bytes: new Uint8Array(), filename: 'a.pdf' })).toMatchObject({
      errors: [{ key: 'file_empty' }],
    });
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(SAMPLES['application/pdf']);
    expect(checkUpload(file(), { bytes: big, filename: 'a.pdf' })).toEqual({
      errors: [{ field: 'nachweis', key: 'file_too_large', params: { max: 10 } }],
    });
    expect(checkUpload(file({ maxSize: 1024 ** 3 }), { bytes: big, filename: 'a.pdf' })).toMatchObject({
      mediaType: 'application/pdf',
    });
    const huge = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    huge.set(SAMPLES['application/pdf']);
    expect(checkUpload(file({ maxSize: 1024 ** 3 }), { bytes: huge, filename: 'a.pdf' })).toMatchObject({
      errors: [{ key: 'file_too_large', params: { max: 20 } }],
    });
  });

  it('names the path of a field in a repeated group, and refuses fields that take no files', () => {
    expect(checkUpload(file(), { bytes: EXE, filename: 'x', path: 'personen.1.nachweis' })).toMatchObject({
      errors: [{ field: 'personen.1.nachweis' }],
    });
    expect(checkUpload({ id: 't', type: 'text', label: { de: 'T' } }, { bytes: SAMPLES['image/png'] })).toMatchObject({
      errors: [{ key: 'invalid' }],
    });
  });
});

describe('sanitiseFilename', () => {
  it('keeps the name only, without controls and direction marks', () => {
    expect(sanitiseFilename('C:\\Users\\ada\\Bescheid.pdf')).toBe('Bescheid.pdf');
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('Rechnung\u202Efdp.exe')).toBe('Rechnungfdp.exe');
    expect(sanitiseFilename('a\u0000b\nc.pdf')).toBe('abc.pdf');
    expect(sanitiseFilename(' ..Scan  1.pdf.. ')).toBe('Scan 1.pdf');
    expect(sanitiseFilename('')).toBe('Datei');
    expect(sanitiseFilename(undefined)).toBe('Datei');
    expect(sanitiseFilename('...')).toBe('Datei');
  });

  it('shortens long names to 120 characters, keeping the extension', () => {
    const name = sanitiseFilename(`${'ä'.repeat(300)}.jpeg`);
    expect([...name]).toHaveLength(120);
    expect(name.endsWith('ää.jpeg')).toBe(true);
  });
});
