import type { FastifyReply, FastifyRequest } from 'fastify';

/** The value of one cookie of the request. */
export function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a cookie nobody could have set is no cookie
    }
  }
  return undefined;
}

/**
 * Sets a session cookie: HttpOnly, SameSite=Strict (a form on another site cannot send it, which
 * with JSON-only bodies keeps cross-site requests out), Secure outside development.
 */
export function setSessionCookie(reply: FastifyReply, name: string, value: string, secure: boolean, maxAge?: number) {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) parts.push('Secure');
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  void reply.header('set-cookie', parts.join('; '));
}
