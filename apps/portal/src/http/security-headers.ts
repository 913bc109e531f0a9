import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '@openrathaus/core';

const origin = (url: string | undefined): string[] => (url ? [new URL(url).origin] : []);

// The API's documentation page (Swagger UI) styles itself inline; no other page needs to.
const docsStyles = (request: IncomingMessage): string =>
  (request.url ?? '').startsWith('/api/docs') ? "'unsafe-inline'" : "'self'";

/**
 * Security headers on every answer, the cached home page included (so registered before the host
 * hook): a Content-Security-Policy without inline script or style (the pages need no JavaScript),
 * no framing, no sniffing, no referrer beyond the portal's own origin (application ids stay out of
 * other sites' logs), and HSTS in production.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const production = config.env === 'production';
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", docsStyles],
        // Emblems come from the member portals' hosts on a region's page; Swagger UI draws with data: images.
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
}
