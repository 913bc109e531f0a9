import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, CoreError, CoreErrorCode, newCorrelationId, runInContext } from '@openrathaus/core';
import { Metrics } from '@openrathaus/observability';
import { TenancyError, TenancyErrorCode, Tenant, TenantRegistry, isServing } from '@openrathaus/tenancy';
import { OPERATOR_HOME, OPERATOR_PATHS, isOperatorHost } from '../operator/operator-host';
import { ErrorResponder } from './error-responder.service';
import type { LoadShedder } from './load-shedding';
import { metricsAllowed } from './metrics-access';
import { DOCS_CSP } from './security-headers';
import { setState, stateOf } from './request-state';

/**
 * Routes that answer on every host: probes do not send a tenant's host, assets are the same for
 * all, and the payment sandbox stands in for an outside service the portal itself calls. Judged by
 * the route the router found, not by the path as sent: an absolute-form request line
 * (`GET http://host/metrics`) names the same route.
 */
const HOSTLESS = /^\/(health$|assets\/|_sandbox\/)/;
// Paths that may lead to one of those routes or to /metrics. Only these pay for asking the router
// (`routeOptions` builds an object): anything not starting with a slash (absolute form) and
// anything percent-encoded (the router decodes) is asked too.
const MAYBE_OPERATIONS = /^\/(health|metrics|assets\/|_sandbox\/)|%/;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const HOME = /^\/(\?|$)/;
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/** How often a raw header list names the Host header. */
const hostHeaders = (raw: string[]): number => {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++;
  return n;
};

const badRequest = () => Object.assign(new Error('ambiguous host'), { statusCode: 400 });

/** Serves an anonymous page already rendered for this tenant and language, if there is one. */
export interface CachedPages {
  serveCached(request: FastifyRequest, reply: FastifyReply, tenant: Tenant | undefined): boolean;
}

/**
 * Finds the tenant once per request, from the Host header, and runs the rest of the request
 * inside its context. Unknown hosts get a 404 page, stopped tenants a maintenance page. Every
 * answer is private (`Cache-Control: no-store`) unless its handler says otherwise.
 */
export function registerHostHooks(
  fastify: FastifyInstance,
  registry: TenantRegistry,
  responder: ErrorResponder,
  metrics: Metrics,
  homePages: CachedPages,
  config: AppConfig,
  shedder: LoadShedder,
): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const header = request.headers['x-request-id'];
    const correlationId = typeof header === 'string' && REQUEST_ID.test(header) ? header : newCorrelationId();
    void reply.header('x-request-id', correlationId);
    const startedAt = performance.now();
    const url = request.url;
    const route = url.charCodeAt(0) !== 0x2f || MAYBE_OPERATIONS.test(url) ? (request.routeOptions.url ?? '') : '';
    // Two Host headers, or an absolute-form target naming another host than the Host header:
    // which tenant is meant cannot be told, so neither is guessed.
    const absolute = url.charCodeAt(0) === 0x2f ? null : ABSOLUTE.exec(url);
    if (
      hostHeaders(request.raw.rawHeaders) !== 1 ||
      (absolute && absolute[1].toLowerCase() !== (request.headers.host ?? '').toLowerCase())
    ) {
      setState(request, { context: { correlationId }, match: null, startedAt });
      return runInContext({ correlationId }, () => responder.send(badRequest(), request, reply));
    }
    if (route === '/metrics') {
      const match = registry.resolveHost(request.host);
      setState(request, { context: { correlationId }, match: null, startedAt });
      if (!metricsAllowed(request, match, config)) {
        return runInContext({ correlationId }, () => responder.page(request, reply, 404, 'not-found'));
      }
      return runInContext({ correlationId }, done);
    }
    if (url.startsWith('/api/docs')) {
      // Swagger UI styles itself inline; no other page may.
      reply.raw.setHeader('content-security-policy', DOCS_CSP);
    } else if (HOSTLESS.test(route)) {
      setState(request, { context: { correlationId }, match: null, startedAt });
      return runInContext({ correlationId }, done);
    }
    void reply.header('cache-control', 'no-store');
    if (isOperatorHost(request.host, config)) {
      // The operator console's host belongs to no tenant and answers only the console's paths.
      const context = { correlationId };
      setState(request, { context, match: null, operator: true, startedAt });
      const path = absolute ? url.slice(absolute[0].length) || '/' : url;
      return runInContext(context, () => {
        if (HOME.test(path)) return void reply.redirect(OPERATOR_HOME, 303);
        if (OPERATOR_PATHS.test(path)) return done();
        if (path.startsWith('/api/'))
          return responder.send(new TenancyError(TenancyErrorCode.UnknownHost), request, reply);
        responder.page(request, reply, 404, 'not-found');
      });
    }
    // request.host honours X-Forwarded-Host only when TRUST_PROXY says so.
    const match = registry.resolveHost(request.host);
    const tenant = match?.kind === 'tenant' ? match.tenant : undefined;
    const context = { correlationId, tenantId: tenant?.id, tenantSlug: tenant?.slug };
    setState(request, { context, match, startedAt });
    const path = absolute ? url.slice(absolute[0].length) || '/' : url;
    // The hot path: a home page already rendered for this tenant and language needs no route,
    // no context and no handler.
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      HOME.test(path) &&
      match &&
      (!tenant || isServing(tenant)) &&
      homePages.serveCached(request, reply, tenant)
    ) {
      return;
    }
    // Past what the instance can do in time: a quick 503 with Retry-After (cached pages above still answer).
    const admitted = shedder.admit();
    if ('retryAfter' in admitted) {
      void reply.header('retry-after', String(admitted.retryAfter));
      return runInContext(context, () =>
        responder.send(new CoreError(CoreErrorCode.Busy, { what: 'portal' }), request, reply),
      );
    }
    reply.raw.once('close', admitted.release);
    runInContext(context, () => {
      if (!match) {
        if (path.startsWith('/api/')) {
          responder.send(new TenancyError(TenancyErrorCode.UnknownHost), request, reply);
        } else {
          responder.page(request, reply, 404, 'not-found', { unknownHost: true });
        }
        return;
      }
      if (tenant && !isServing(tenant)) {
        if (path.startsWith('/api/')) {
          responder.send(new TenancyError(TenancyErrorCode.TenantUnavailable), request, reply);
        } else {
          void reply.header('retry-after', '300');
          responder.page(request, reply, 503, 'maintenance', { suspension: tenant.suspension?.message });
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
