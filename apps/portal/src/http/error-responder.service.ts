import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { CoreErrorCode, DomainError, ErrorKind, FieldFault } from '@openrathaus/core';
import { I18n } from '@openrathaus/i18n';
import { isServing } from '@openrathaus/tenancy';
import { TenantErrors } from '@openrathaus/operations';
import { ViewEngine } from '@openrathaus/web';
import { PageContext } from './page-context.service';
import { ErrorBody } from './api-errors.decorator';
import { tenantOf } from './request-state';
import { storeUnavailable } from './store-unavailable';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unprocessable: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  unavailable: 503,
  internal: 500,
};

const HTTP_CODES: Record<number, string> = {
  400: 'http.bad_request',
  404: 'http.not_found',
  405: 'http.method_not_allowed',
  413: 'http.payload_too_large',
  415: 'http.unsupported_media_type',
};

// invalid_byte_sequence_for_encoding, untranslatable_character (NUL in jsonb).
const UNSTORABLE = new Set(['22021', '22P05']);

/** Errors after which a back office page sends the browser to the staff login. */
const STAFF_LOGIN_FIRST = new Set(['identity.not_logged_in', 'identity.password_change_required']);

/** The extra fields a domain error carries for its answer, if any (`next` of a taken appointment). */
const details = (error: DomainError): Record<string, unknown> => {
  const extra = (error as { details?: unknown }).details;
  return extra && typeof extra === 'object' && !Array.isArray(extra) ? (extra as Record<string, unknown>) : {};
};
/** Errors after which a console page sends the browser to the operator login. */
const OPERATOR_LOGIN_FIRST = new Set(['operations.not_logged_in', 'operations.login_incomplete']);

const postgresCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Turns any failure into the answer a person or a client can use: JSON for the API, a page for a
 * browser, a translated message, field errors where there are any, and an error id for the log.
 */
@Injectable()
export class ErrorResponder {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly i18n: I18n,
    private readonly views: ViewEngine,
    private readonly pages: PageContext,
    private readonly tenantErrors: TenantErrors,
  ) {}

  send(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const body = this.body(error, request);
    // Every unexpected failure of a tenant's request counts toward its errors24h in the console.
    const failed = tenantOf(request);
    if (body.statusCode >= 500 && failed && isServing(failed)) void this.tenantErrors.record(failed.id);
    if (reply.sent) return reply;
    const path = request.routeOptions.url ?? request.url;
    const wantsJson = path.startsWith('/api/') || !(request.headers.accept ?? '').includes('text/html');
    // The one 5xx a client causes on purpose: the instance is saturated; it may ask again shortly.
    if (body.statusCode === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '5');
    if (wantsJson) return reply.code(body.statusCode).header('cache-control', 'no-store').send(body);
    // A back office page without a (complete) staff session: to the staff login, not an error page.
    if (path.startsWith('/backoffice') && STAFF_LOGIN_FIRST.has(body.code)) {
      return reply.code(303).header('location', '/backoffice/login').header('cache-control', 'no-store').send();
    }
    // A console page without a (complete) operator session: to the console's login.
    if (path.startsWith('/konsole') && OPERATOR_LOGIN_FIRST.has(body.code)) {
      return reply.code(303).header('location', '/konsole/anmelden').header('cache-control', 'no-store').send();
    }
    const page = body.statusCode === 404 ? 'not-found' : body.statusCode === 503 ? 'maintenance' : 'error';
    // A refused request (4xx) says why and names the fields; an unexpected failure shows its error id.
    const detail = body.errorId ? { errorId: body.errorId } : { message: body.message, fields: body.errors ?? [] };
    // Saturated: the page says when to try again.
    if (body.code === (CoreErrorCode.Busy as string))
      Object.assign(detail, { retryAfter: reply.getHeader('retry-after') });
    return this.page(request, reply, body.statusCode, page, detail);
  }

  /** Renders one of the error pages in the tenant's look (or the platform's without one). */
  page(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    page: 'not-found' | 'maintenance' | 'error',
    extra: Record<string, unknown> = {},
  ): FastifyReply {
    const tenant = tenantOf(request);
    const locale = this.pages.locale(request, undefined, tenant);
    const titleKey =
      extra.retryAfter !== undefined
        ? 'busy.title'
        : { 'not-found': 'notFound.title', maintenance: 'maintenance.title', error: 'error.title' }[page];
    const data = { ...this.pages.base(tenant, locale, '/', this.i18n.t(locale, titleKey)), ...extra };
    const html = this.views.render(page, data);
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  }

  /** The text of a field fault: its key's translation, or the key itself when it is a ready message (a rule's). */
  fieldMessage(locale: string, fault: FieldFault): string {
    const key = `errors.field.${fault.key}`;
    return this.i18n.has(locale, key) || this.i18n.has('de', key)
      ? this.i18n.t(locale, key, { ...fault.params, field: fault.field })
      : fault.key;
  }

  body(error: unknown, request: FastifyRequest): ErrorBody {
    const locale = this.pages.locale(request, undefined, tenantOf(request));
    if (error instanceof DomainError) {
      const statusCode = STATUS[error.kind];
      if (error.kind === 'internal') return this.unexpected(error, locale, statusCode);
      return {
        statusCode,
        code: error.code,
        message: this.i18n.t(locale, `errors.${error.code}`, error.params),
        // What an error offers besides (the next free times of a taken appointment).
        ...details(error),
        ...(error.fields.length
          ? {
              errors: error.fields.map((f) => ({ field: f.field, message: this.fieldMessage(locale, f) })),
            }
          : {}),
      };
    }
    if (UNSTORABLE.has(postgresCode(error) ?? '')) {
      // A character PostgreSQL cannot store (NUL in text or jsonb) that no validator caught: the
      // input is at fault, not the server.
      return {
        statusCode: 400,
        code: CoreErrorCode.InvalidInput,
        message: this.i18n.t(locale, 'errors.core.invalid_input'),
      };
    }
    const status =
      (error as { statusCode?: unknown; status?: unknown })?.statusCode ?? (error as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = HTTP_CODES[status] ?? 'http.error';
      return { statusCode: status, code, message: this.i18n.t(locale, `errors.${code}`) };
    }
    if (storeUnavailable(error)) {
      // PostgreSQL or Redis is away for a moment (a restart, a failover): the client may try again.
      const errorId = randomUUID();
      this.logger.warn({ err: error, errorId }, 'request failed while a store was unavailable');
      return {
        statusCode: 503,
        code: 'core.unavailable',
        message: this.i18n.t(locale, 'errors.core.unavailable'),
        errorId,
      };
    }
    return this.unexpected(error, locale, 500);
  }

  private unexpected(error: unknown, locale: string, statusCode: number): ErrorBody {
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId }, 'unexpected error');
    return { statusCode, code: 'internal', message: this.i18n.t(locale, 'errors.internal'), errorId };
  }
}
