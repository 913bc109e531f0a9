import type { FieldDefinition } from '../form.model';
import type { FormFieldError } from './form-errors';
import { entryLimit } from './form-structure';

/** What a file field accepts when its definition does not say. */
export const DEFAULT_MEDIA_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];
/** Largest file a field takes when its definition does not say: 10 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Largest file any field takes, whatever its definition says: 20 MiB (set the multipart limit to it). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** The media types a file field accepts. */
export const acceptedMediaTypes = (field: FieldDefinition): readonly string[] =>
  field.constraints?.mediaTypes?.length ? field.constraints.mediaTypes : DEFAULT_MEDIA_TYPES;

/** The largest file a field accepts, in bytes. */
export const uploadLimit = (field: FieldDefinition): number =>
  Math.min(field.constraints?.maxSize ?? DEFAULT_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES);

/** How many files a file field holds: one, or as many as its `repeat` allows. */
export const fileLimit = (field: FieldDefinition): number => (field.repeat ? entryLimit(field.repeat) : 1);

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

function isoBrand(bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return undefined;
  const boxSize = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const brands: string[] = [];
  for (let at = 8; at + 4 <= Math.min(boxSize, bytes.length, 256); at += 4) {
    if (at === 12) continue; // minor version, not a brand
    brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  }
  if (HEIC_BRANDS.has(brands[0])) return 'image/heic';
  // A generic HEIF container (`mif1`, `msf1`) is HEIC when it lists a HEIC brand; AVIF is not taken.
  if ((brands[0] === 'mif1' || brands[0] === 'msf1') && brands.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
  return undefined;
}

/**
 * The media type of a file by its first bytes (magic numbers): PDF, PNG, JPEG, GIF, WebP, TIFF,
 * HEIC; undefined for anything else. The name and the declared type of an upload are never asked.
 */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return isoBrand(bytes);
}

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/tiff': 'TIFF',
  'image/heic': 'HEIC',
};

const EXTENSION_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heic',
};

/** The accepted types as people know them: `PDF, PNG, JPEG`. */
export const mediaTypeNames = (types: readonly string[]): string => types.map((t) => TYPE_NAMES[t] ?? t).join(', ');

/** Marks of writing direction, zero-width characters and controls: they make `exe.pdf` of `fdp.exe`. */
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Longest file name shown, in characters. */
export const MAX_FILENAME_LENGTH = 120;

/**
 * A file name fit to show: no folders, no control or direction characters, no leading or
 * trailing dots and spaces, at most {@link MAX_FILENAME_LENGTH} characters with the extension
 * kept; `Datei` when nothing is left.
 */
export function sanitiseFilename(name: unknown): string {
  const raw = typeof name === 'string' ? name.slice(-2000) : '';
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATES, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = [...clean];
  if (chars.length === 0) return 'Datei';
  if (chars.length <= MAX_FILENAME_LENGTH) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return (
    [...clean.slice(0, clean.length - extension.length)].slice(0, MAX_FILENAME_LENGTH - extension.length).join('') +
    extension
  );
}

/** An upload to check: its bytes, and what the browser claimed (used only to name the refusal). */
export interface UploadInput {
  bytes: Uint8Array;
  filename?: string;
  contentType?: string;
  /** The answer's path when the field sits in a repeated group (`personen.1.aufenthaltstitel`). */
  path?: string;
}

export interface AcceptedUpload {
  mediaType: string;
  size: number;
  /** The sanitised name, for display. */
  filename: string;
}

export interface RefusedUpload {
  errors: FormFieldError[];
}

export const isRefusedUpload = (result: AcceptedUpload | RefusedUpload): result is RefusedUpload => 'errors' in result;

/**
 * Whether a file may be attached to a file field: not empty, at most {@link uploadLimit} bytes,
 * and its sniffed type one the field accepts. The declared type and the extension never decide;
 * a file that claims an accepted type but is none (an `.exe` named `.pdf`) is refused as `disguised`.
 */
export function checkUpload(field: FieldDefinition, upload: UploadInput): AcceptedUpload | RefusedUpload {
  const path = upload.path ?? field.id;
  const refuse = (key: FormFieldError['key'], params?: Record<string, unknown>): RefusedUpload => ({
    errors: [{ field: path, key, ...(params ? { params } : {}) }],
  });
  if (field.type !== 'file') return refuse('invalid');
  const size = upload.bytes.length;
  if (size === 0) return refuse('file_empty');
  const limit = uploadLimit(field);
  if (size > limit) return refuse('file_too_large', { max: Math.floor(limit / 1024 / 102.4) / 10 });
  const accepted = acceptedMediaTypes(field);
  const mediaType = sniffMediaType(upload.bytes);
  if (mediaType && accepted.includes(mediaType)) {
    return { mediaType, size, filename: sanitiseFilename(upload.filename) };
  }
  const extension = /\.([a-z0-9]{1,5})$/i.exec(sanitiseFilename(upload.filename))?.[1]?.toLowerCase();
  const claimed = [extension && EXTENSION_TYPES[extension], upload.contentType?.split(';')[0].trim().toLowerCase()];
  const params = { accepted: mediaTypeNames(accepted) };
  return claimed.some((type) => type && accepted.includes(type) && type !== mediaType)
    ? refuse('disguised', params)
    : refuse('file_type', params);
}
