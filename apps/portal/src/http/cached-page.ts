import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tenant } from '@openrathaus/tenancy';
import type { CachedPage } from '@openrathaus/web';

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
 * handler to return; a matching If-None-Match gets an empty 304.
 */
export function readyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: CachedPage,
  type = 'text/html; charset=utf-8',
): Buffer | undefined {
  void reply.header('content-type', type).header('etag', page.etag);
  void reply.header('vary', 'Accept-Language, Cookie').header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === page.etag) {
    void reply.code(304);
    return undefined;
  }
  return page.html;
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
