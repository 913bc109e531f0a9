import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { AppConfig } from '@openrathaus/core';

const origin = (url: string | undefined): string[] => (url ? [new URL(url).origin] : []);

/**
 * The policy of the API's documentation (Swagger UI), which styles itself inline and draws with
 * data: images; the host hook puts it in place of the pages' policy on `/api/docs` alone.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/**
 * The security headers every answer carries, as helmet computes them from the policy below: a
 * Content-Security-Policy without inline script or style (the pages need no JavaScript), no
 * framing, no sniffing, no referrer beyond the portal's own origin (application ids stay out of
 * other sites' logs), and HSTS in production. Computed once: they do not depend on the request.
 */
export function securityHeaders(config: AppConfig): [string, string][] {
  const production = config.env === 'production';
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Emblems come from the member portals' hosts on a region's page.
        imgSrc: ["'self'", 'data:', 'https:', ...(production ? [] : ['http:'])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        // A form's answer may redirect to the payment service or the identity provider.
        formAction: ["'self'", ...origin(config.paymentUrl), ...origin(config.oidcIssuer)],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // Behind HTTPS in production only; a city's other subdomains are not the portal's to bind.
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name.toLowerCase(), String(value)]),
    removeHeader: () => undefined,
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Puts the security headers on every answer, the cached home page included (so registered before
 * the host hook). helmet builds them once here; `@fastify/helmet` would build helmet's middleware
 * anew for every request, which halved the home page's throughput when measured.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const headers = securityHeaders(config);
  fastify.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
