import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tenant } from '@openrathaus/tenancy';
import { CachedPage, StaticAsset, etagMatches, preferredEncoding } from '@openrathaus/web';

/** What the answers of the page cache depend on besides the URL. */
const PAGE_VARY = 'Accept-Encoding, Accept-Language, Cookie';

/** The page cache's key of a tenant: its pages and answers are valid for one revision. */
export const pageCacheKey = (tenant: Tenant | undefined): string =>
  tenant ? `${tenant.id}@${tenant.revision}` : 'root';

/** An answer as the cache keeps it: encoded once, with its ETag. */
export function cachedAnswer(body: string): CachedPage {
  return { html: Buffer.from(body), etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** A page as the cache keeps it: unindented (indentation is only for the template's reader). */
export const cachedPage = (rendered: string): CachedPage => cachedAnswer(rendered.replace(/\n\s+/g, '\n'));

/**
 * Readies an answer that is the same for every anonymous visitor and gives its bytes for the
 * handler to return: Brotli or gzip when the client accepts it and the cache made that form, else
 * the plain bytes (and the cache makes the form, for the next client that accepts it); each form with its own ETag, and `Vary: Accept-Encoding`. A matching
 * If-None-Match gets an empty 304.
 */
export function readyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: CachedPage,
  type = 'text/html; charset=utf-8',
): Buffer | undefined {
  return ready(request, reply, page, type, PAGE_VARY, 'no-cache');
}

/**
 * Readies a fingerprinted asset ({@link StaticAssets}) as {@link readyPage} does a page: its name
 * changes with its content, so it is cached for a year and never asked again.
 */
export function readyAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset): Buffer | undefined {
  return ready(request, reply, asset.page, asset.type, 'Accept-Encoding', 'public, max-age=31536000, immutable');
}

function ready(
  request: FastifyRequest,
  reply: FastifyReply,
  page: CachedPage,
  type: string,
  vary: string,
  cacheControl: string,
): Buffer | undefined {
  const encoding = preferredEncoding(request.headers['accept-encoding']);
  const form = encoding && page[encoding];
  // Made for the next client that accepts it; this one gets the plain bytes.
  if (encoding && !form) page.want?.(encoding);
  void reply.header('content-type', type).header('vary', vary).header('cache-control', cacheControl);
  if (form) void reply.header('content-encoding', encoding).header('etag', form.etag);
  else void reply.header('etag', page.etag);
  if (etagMatches(request.headers['if-none-match'], form ? form.etag : page.etag)) {
    void reply.code(304);
    return undefined;
  }
  return form ? form.body : page.html;
}

/** Sends an answer as {@link readyPage} readies it, for the hot paths that write their bytes themselves. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: CachedPage,
  type = 'text/html; charset=utf-8',
): FastifyReply {
  return reply.send(readyPage(request, reply, page, type));
}
