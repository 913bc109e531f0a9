import type { FastifyReply } from 'fastify';

/**
 * Sets a session cookie: HttpOnly, SameSite=Strict (a form on another site cannot send it, which
 * with JSON-only bodies keeps cross-site requests out), Secure outside development.
 */
export function setSessionCookie(reply: FastifyReply, name: string, value: string, secure: boolean, maxAge?: number) {
  void reply.setCookie(name, value, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
}
