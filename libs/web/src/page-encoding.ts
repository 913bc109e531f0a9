import { brotliCompress, constants, gzip } from 'node:zlib';

/** The compressed forms the portal keeps of a cached answer, in the order it prefers them. */
export type ContentEncoding = 'br' | 'gzip';

/** One representation of an answer: its bytes and the ETag that names exactly these bytes. */
export interface EncodedBody {
  body: Buffer;
  etag: string;
}

/** Below this, compression saves less than the header it costs. */
export const MIN_COMPRESSED_BYTES = 512;

/** Brotli's quality for answers made once and sent many times (11 is the best, and slow). */
const BROTLI_QUALITY = 9;
const GZIP_LEVEL = 9;

/** The ETag of a compressed form: the plain one with the encoding inside the quotes. */
export const encodedEtag = (etag: string, encoding: ContentEncoding): string =>
  `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`;

const compress = (encoding: ContentEncoding, body: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    if (encoding === 'br') {
      brotliCompress(
        body,
        {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        },
        done,
      );
    } else {
      gzip(body, { level: GZIP_LEVEL }, done);
    }
  });

/**
 * Brotli and gzip forms of a body, each with its ETag. Compressed in libuv's thread pool, so that
 * the event loop goes on answering meanwhile; a form that does not come out smaller is left out.
 */
export async function compressedForms(
  body: Buffer,
  etag: string,
): Promise<Partial<Record<ContentEncoding, EncodedBody>>> {
  if (body.length < MIN_COMPRESSED_BYTES) return {};
  const [br, gz] = await Promise.all([compress('br', body), compress('gzip', body)]);
  const forms: Partial<Record<ContentEncoding, EncodedBody>> = {};
  if (br.length < body.length) forms.br = { body: br, etag: encodedEtag(etag, 'br') };
  if (gz.length < body.length) forms.gzip = { body: gz, etag: encodedEtag(etag, 'gzip') };
  return forms;
}

// Clients send few distinct Accept-Encoding values: each is parsed once.
const chosen = new Map<string, ContentEncoding | undefined>();
const MAX_REMEMBERED = 256;

/**
 * The encoding to answer with, from an Accept-Encoding header: Brotli, else gzip, when the client
 * accepts it (by name or `*`, with a q above 0); undefined for the plain bytes.
 */
export function preferredEncoding(header: string | string[] | undefined): ContentEncoding | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (chosen.has(value)) return chosen.get(value);
  const q: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [name, ...params] = part.split(';');
    const token = name.trim().toLowerCase();
    if (!token) continue;
    let weight = 1;
    for (const param of params) {
      const [key, raw] = param.split('=');
      if (key.trim().toLowerCase() === 'q') weight = Number(raw);
    }
    q[token] = Number.isFinite(weight) ? weight : 0;
  }
  const accepts = (token: string) => (q[token] ?? q['*'] ?? 0) > 0;
  const result = accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : undefined;
  if (chosen.size >= MAX_REMEMBERED) chosen.clear();
  chosen.set(value, result);
  return result;
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET), or is `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true;
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
