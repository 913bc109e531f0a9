import { createServer, Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@openrathaus/core';
import type { Metrics } from '@openrathaus/observability';
import type { HostMatch } from '@openrathaus/tenancy';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read `/metrics` on the portal's own port: a scraper with the bearer token
 * (`METRICS_TOKEN`, on any host, so that it can reach a pod by address), or, in development,
 * anyone on the portal list's host (`localhost`). Never a tenant's host without the token: every
 * tenant's figures are the operator's business.
 */
export function metricsAllowed(request: FastifyRequest, match: HostMatch, config: AppConfig): boolean {
  const header = request.headers.authorization;
  if (config.metricsToken && typeof header === 'string' && header.startsWith('Bearer ')) {
    // Compared as digests: equal length, constant time.
    return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(config.metricsToken));
  }
  return config.devHosts && match?.kind === 'root';
}

/**
 * A port of its own (`METRICS_PORT`) on which only `GET /metrics` answers, for scrapers inside
 * the cluster; it is not meant to be published.
 */
export async function startMetricsServer(port: number, host: string, metrics: Metrics): Promise<Server> {
  const logger = new Logger('Metrics');
  const server = createServer((request, response) => {
    request.on('error', () => response.destroy());
    response.on('error', () => undefined);
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be rendered');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('error\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 64;
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error({ err: error }, 'metrics server error'));
      resolve();
    });
  });
  return server;
}
