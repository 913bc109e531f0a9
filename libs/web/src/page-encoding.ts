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

/**
 * How hard to compress. Assets are compressed once at start and sent for a year: the best but
 * slow qualities. Cached answers are compressed when first asked for compressed, while the
 * instance serves: with 11,000 tenants most cached answers are asked for once or twice before
 * they go, so their compression must cost less than what it saves (Brotli 5 is several times
 * faster than 9 and still smaller than gzip 9; gzip 6 is zlib's default).
 */
export type CompressionEffort = 'asset' | 'answer';
const BROTLI_QUALITY: Record<CompressionEffort, number> = { asset: 9, answer: 5 };
const GZIP_LEVEL: Record<CompressionEffort, number> = { asset: 9, answer: 6 };
/** Brotli's window: no larger than the body needs (a 4 MiB window for a 30 KB page costs memory per call). */
const brotliWindow = (bytes: number): number =>
  Math.max(
    constants.BROTLI_MIN_WINDOW_BITS,
    Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.ceil(Math.log2(bytes + 1))),
  );

/** The ETag of a compressed form: the plain one with the encoding inside the quotes. */
export const encodedEtag = (etag: string, encoding: ContentEncoding): string =>
  `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`;

const compress = (encoding: ContentEncoding, body: Buffer, effort: CompressionEffort): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    if (encoding === 'br') {
      brotliCompress(
        body,
        {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY[effort],
            [constants.BROTLI_PARAM_LGWIN]: brotliWindow(body.length),
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        },
        done,
      );
    } else {
      gzip(body, { level: GZIP_LEVEL[effort] }, done);
    }
  });

/**
 * One compressed form of a cached answer, with its ETag; undefined when the body is too small or
 * does not come out smaller. Compressed in libuv's thread pool: the event loop goes on meanwhile.
 */
export async function compressedForm(
  encoding: ContentEncoding,
  body: Buffer,
  etag: string,
): Promise<EncodedBody | undefined> {
  if (body.length < MIN_COMPRESSED_BYTES) return undefined;
  const compressed = await compress(encoding, body, 'answer');
  return compressed.length < body.length ? { body: compressed, etag: encodedEtag(etag, encoding) } : undefined;
}

/**
 * Brotli and gzip forms of an asset, each with its ETag, at the best qualities. Compressed in
 * libuv's thread pool; a form that does not come out smaller is left out.
 */
export async function compressedForms(
  body: Buffer,
  etag: string,
): Promise<Partial<Record<ContentEncoding, EncodedBody>>> {
  if (body.length < MIN_COMPRESSED_BYTES) return {};
  const [br, gz] = await Promise.all([compress('br', body, 'asset'), compress('gzip', body, 'asset')]);
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
