import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newCorrelationId, runInContext } from '@openrathaus/core';
import { Metrics } from '@openrathaus/observability';
import { TenancyError, TenancyErrorCode, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { HomePages } from '../pages/home-pages.service';
import { ErrorResponder } from './error-responder.service';
import { setState, stateOf } from './request-state';

/**
 * Paths that answer on every host: probes and scrapers do not send a tenant's host, and the payment
 * sandbox stands in for an outside service the portal itself calls; /metrics not on tenants' hosts.
 */
const HOSTLESS = /^\/(health|metrics)(\?|$)|^\/assets\/|^\/_sandbox\//;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const METRICS = /^\/metrics(\?|$)/;
const HOME = /^\/(\?|$)/;

/**
 * Finds the tenant once per request, from the Host header, and runs the rest of the request
 * inside its context. Unknown hosts get a 404 page, stopped tenants a maintenance page.
 */
export function registerHostHooks(
  fastify: FastifyInstance,
  registry: TenantRegistry,
  responder: ErrorResponder,
  metrics: Metrics,
  homePages: HomePages,
): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const header = request.headers['x-request-id'];
    const correlationId = typeof header === 'string' && REQUEST_ID.test(header) ? header : newCorrelationId();
    void reply.header('x-request-id', correlationId);
    const startedAt = performance.now();
    if (METRICS.test(request.url) && registry.resolveHost(request.host)?.kind === 'tenant') {
      // Every tenant's figures are the operator's business, not the citizens' of one tenant.
      setState(request, { context: { correlationId }, match: null, startedAt });
      return runInContext({ correlationId }, () => responder.page(request, reply, 404, 'not-found'));
    }
    if (HOSTLESS.test(request.url)) {
      setState(request, { context: { correlationId }, match: null, startedAt });
      return runInContext({ correlationId }, done);
    }
    // request.host honours X-Forwarded-Host only when TRUST_PROXY says so.
    const match = registry.resolveHost(request.host);
    const tenant = match?.kind === 'tenant' ? match.tenant : undefined;
    const context = { correlationId, tenantId: tenant?.id, tenantSlug: tenant?.slug };
    setState(request, { context, match, startedAt });
    // The hot path: a home page already rendered for this tenant and language needs no route,
    // no context and no handler.
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      HOME.test(request.url) &&
      match &&
      (!tenant || isServing(tenant)) &&
      homePages.serveCached(request, reply, tenant)
    ) {
      return;
    }
    runInContext(context, () => {
      if (!match) {
        if (request.url.startsWith('/api/')) {
          responder.send(new TenancyError(TenancyErrorCode.UnknownHost), request, reply);
        } else {
          responder.page(request, reply, 404, 'not-found', { unknownHost: true });
        }
        return;
      }
      if (tenant && !isServing(tenant)) {
        if (request.url.startsWith('/api/')) {
          responder.send(new TenancyError(TenancyErrorCode.TenantUnavailable), request, reply);
        } else {
          void reply.header('retry-after', '300');
          responder.page(request, reply, 503, 'maintenance');
        }
        return;
      }
      done();
    });
  });

  // Body parsing leaves the async context of onRequest; enter it again before the handler runs.
  fastify.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const state = stateOf(request);
    if (state) runInContext(state.context, done);
    else done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const state = stateOf(request);
    if (state) {
      const seconds = (performance.now() - state.startedAt) / 1000;
      metrics.observeRequest(state.context.tenantSlug ?? '-', request.method, reply.statusCode, seconds);
    }
    done();
  });
}
