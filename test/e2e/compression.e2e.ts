/**
 * Fewer bytes: cached anonymous pages and JSON answers are kept compressed (Brotli and gzip, made
 * once when cached) and chosen by Accept-Encoding with `Vary`, each form with its own ETag (304 on
 * If-None-Match); the layout's stylesheets have fingerprinted names and are cached for a year.
 */
import { IncomingHttpHeaders, request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { TestPortal, eventually, startTestPortal } from '../support';

const BROWSER = 'gzip, deflate, br, zstd';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A GET whose body stays as sent (Node's client does not decompress). */
function fetchRaw(
  port: number,
  path: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (response: RawResponse): string => {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.raw).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(response.raw).toString('utf8');
  if (encoding !== undefined) throw new Error(`unexpected Content-Encoding ${encoding}`);
  return response.raw.toString('utf8');
};

describe('compressed answers and fingerprinted assets', () => {
  let portal: TestPortal;
  const host = 'gelsenkirchen.localhost';
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(() => portal.stop());

  /** Asks until the cache has made the compressed form (in the background, after the first answer). */
  const compressed = (path: string, acceptEncoding: string, accept = 'text/html') =>
    eventually(async () => {
      const response = await fetchRaw(portal.port, path, host, { accept, 'accept-encoding': acceptEncoding });
      return response.headers['content-encoding'] ? response : undefined;
    });

  it.each([
    ['/', 'text/html'],
    ['/leistungen', 'text/html'],
    ['/api/v1/services', 'application/json'],
  ])(
    '%s: Brotli to a browser, gzip to a client that takes only gzip, plain to one that names none',
    async (path, accept) => {
      const plain = await fetchRaw(portal.port, path, host, { accept });
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/Accept-Encoding/);

      const br = await compressed(path, BROWSER, accept);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/Accept-Encoding/);
      expect(text(br)).toBe(plain.raw.toString('utf8'));
      expect(br.raw.length).toBeLessThan(plain.raw.length / 2);
      expect(Number(br.headers['content-length'])).toBe(br.raw.length);

      // Each form is made when a client first asks for it.
      const gz = await compressed(path, 'gzip', accept);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(text(gz)).toBe(plain.raw.toString('utf8'));

      // Each representation has its own ETag.
      expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);

      // Refused by q=0, Brotli gives way to gzip; `identity` alone gets the plain bytes.
      const noBr = await fetchRaw(portal.port, path, host, { accept, 'accept-encoding': 'br;q=0, gzip;q=0.8' });
      expect(noBr.headers['content-encoding']).toBe('gzip');
      const identity = await fetchRaw(portal.port, path, host, { accept, 'accept-encoding': 'identity' });
      expect(identity.headers['content-encoding']).toBeUndefined();
      expect(identity.headers.etag).toBe(plain.headers.etag);
    },
  );

  it('answers If-None-Match with 304 for the representation it names, and 200 for another', async () => {
    const br = await compressed('/', BROWSER);
    const etag = String(br.headers.etag);
    const again = await fetchRaw(portal.port, '/', host, { 'accept-encoding': BROWSER, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers.vary).toMatch(/Accept-Encoding/);
    // A list, and the weak form, match too.
    const list = await fetchRaw(portal.port, '/', host, {
      'accept-encoding': BROWSER,
      'if-none-match': `"other", W/${etag}`,
    });
    expect(list.status).toBe(304);
    // The Brotli ETag names Brotli bytes: a client without Brotli gets the page.
    const plain = await fetchRaw(portal.port, '/', host, { 'if-none-match': etag });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('links the stylesheets by fingerprinted names that are cached for a year, compressed', async () => {
    const page = text(await fetchRaw(portal.port, '/', host));
    const urls = [...page.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((m) => m[1]);
    expect(urls).toEqual([
      expect.stringMatching(/^\/assets\/kern\/kern\.min\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/assets\/kern\/fonts\/fira-sans\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/assets\/app\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/assets\/theme\//),
    ]);
    const appCss = urls[2];
    const plain = await fetchRaw(portal.port, appCss, host);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The same bytes as under the plain name, which stays served.
    const unversioned = await fetchRaw(portal.port, '/assets/app.css', host);
    expect(unversioned.status).toBe(200);
    expect(plain.raw.equals(unversioned.raw)).toBe(true);

    const br = await compressed(appCss, BROWSER, 'text/css');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(text(br)).toBe(plain.raw.toString('utf8'));
    const again = await fetchRaw(portal.port, appCss, host, {
      'accept-encoding': BROWSER,
      'if-none-match': String(br.headers.etag),
    });
    expect(again.status).toBe(304);

    // The big one: KERN's stylesheet goes out at a fraction of its size.
    const kern = await compressed(urls[0], BROWSER, 'text/css');
    const kernPlain = await fetchRaw(portal.port, urls[0], host);
    expect(kern.raw.length).toBeLessThan(kernPlain.raw.length / 4);
    // An unknown fingerprint is not found.
    expect((await fetchRaw(portal.port, '/assets/app.000000000000.css', host)).status).toBe(404);
  });
});
