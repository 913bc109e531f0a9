import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import {
  CitizenSession,
  CitizenSessions,
  IdentityError,
  IdentityErrorCode,
  TrustLevel,
  meetsLevel,
} from '@openrathaus/identity';
import { TenancyError, TenancyErrorCode } from '@openrathaus/tenancy';
import { tenantOf } from './request-state';

/** The citizen's session cookie. */
export const CITIZEN_COOKIE = 'or_citizen';
/** The hidden field of every HTML form that changes something. */
export const CSRF_FIELD = '_csrf';
/** The pre-session cookie behind the `_csrf` of forms shown before login (double submit). */
export const CSRF_COOKIE = 'or_csrf';

/**
 * The citizen of a request: the session behind the cookie on this tenant's host, the cookie
 * itself, and the CSRF tokens of forms. One per portal, injected where it is needed; a request's
 * session is looked up once and kept for the rest of that request.
 */
@Injectable()
export class CitizenAuth {
  private readonly resolved = new WeakMap<object, Promise<CitizenSession | undefined>>();

  constructor(
    private readonly sessions: CitizenSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The logged-in citizen of the request on this tenant's host, or undefined; looked up once per request. */
  citizenOf(request: FastifyRequest): Promise<CitizenSession | undefined> {
    let session = this.resolved.get(request.raw);
    if (!session) {
      const tenant = tenantOf(request);
      session = tenant
        ? this.sessions.citizenSession(request.cookies[CITIZEN_COOKIE], tenant)
        : Promise.resolve(undefined);
      this.resolved.set(request.raw, session);
    }
    return session;
  }

  /** The logged-in citizen, or an {@link IdentityError} `identity.not_logged_in` (401). */
  async requireCitizen(request: FastifyRequest): Promise<CitizenSession> {
    const session = await this.citizenOf(request);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    return session;
  }

  /** Replaces what {@link citizenOf} answers for the rest of this request (after login, logout, step-up). */
  rememberCitizen(request: FastifyRequest, session: CitizenSession | undefined): void {
    this.resolved.set(request.raw, Promise.resolve(session));
  }

  /**
   * Sets the session cookie: HttpOnly, Secure outside development, and SameSite=Lax. Lax, not
   * Strict: the return from the identity provider (/konto/identitaet/callback) and from the payment
   * page are top-level GET navigations from another site, and a Strict cookie would not come along —
   * the citizen would arrive logged out and the step-up's state would be lost. Lax still keeps the
   * cookie off every cross-site POST, image, frame and fetch; GET requests change nothing, and every
   * form post carries `_csrf` as well.
   */
  setCitizenCookie(reply: FastifyReply, sessionId: string, maxAge: number): void {
    void reply.setCookie(CITIZEN_COOKIE, sessionId, { ...this.citizenCookie, maxAge });
  }

  clearCitizenCookie(request: FastifyRequest, reply: FastifyReply): void {
    void reply.setCookie(CITIZEN_COOKIE, '', { ...this.citizenCookie, maxAge: 0 });
    this.rememberCitizen(request, undefined);
  }

  /** Sets the cookie of a session just opened (or re-issued) until the session's end. */
  startCitizenSession(request: FastifyRequest, reply: FastifyReply, session: CitizenSession): void {
    const seconds = Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
    this.setCitizenCookie(reply, session.sessionId, seconds);
    this.rememberCitizen(request, session);
  }

  /**
   * The `_csrf` value for a form on this page. With a session it is the session's token. Without
   * one (register, log in, forgotten password) it is derived from a random pre-session cookie
   * (HttpOnly, SameSite=Strict) set here when missing: a double submit, signed with the app's secret
   * so that the cookie's value itself never appears in a page.
   */
  csrfToken(request: FastifyRequest, reply: FastifyReply, session?: CitizenSession): string {
    if (session) return session.csrfToken;
    let value = request.cookies[CSRF_COOKIE];
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
      value = randomBytes(32).toString('base64url');
      void reply.setCookie(CSRF_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.secure });
    }
    return this.preToken(value);
  }

  /**
   * Checks an HTML form post: `_csrf` must match the session's token (with a session) or the
   * pre-session cookie (without), and a browser-sent Origin must be this host. Throws
   * `identity.csrf_missing` or `identity.csrf_invalid` (403).
   */
  checkCsrf(request: FastifyRequest, session: CitizenSession | undefined, body: unknown): void {
    const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const sent = fields[CSRF_FIELD];
    if (sent === undefined || sent === '') throw new IdentityError(IdentityErrorCode.CsrfMissing);
    if (typeof sent !== 'string' || !sameOrigin(request)) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
    if (session) {
      if (!sameText(sent, session.csrfToken)) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
      return;
    }
    const value = request.cookies[CSRF_COOKIE];
    if (!value) throw new IdentityError(IdentityErrorCode.CsrfMissing);
    if (!sameText(sent, this.preToken(value))) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
  }

  /** Secure cookies everywhere but in development (plain http on *.localhost). */
  private get secure(): boolean {
    return this.config.env !== 'development';
  }

  private get citizenCookie(): CookieSerializeOptions {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure };
  }

  private preToken(value: string): string {
    return createHmac('sha256', this.config.secret).update(`csrf:${value}`).digest('base64url');
  }
}

/** Refuses (403 `identity.trust_level_too_low`) a session below the level an action needs. */
export function requireLevel(session: CitizenSession, need: TrustLevel): void {
  if (!meetsLevel(session.trustLevel, need)) throw new IdentityError(IdentityErrorCode.TrustLevelTooLow, { need });
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Whether the request comes from a page of this very host, as far as the browser says. */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = request.headers.origin;
  return !origin || origin === `${request.protocol}://${request.host}`;
}

/**
 * Guards a JSON call that uses or opens a session. JSON needs no `_csrf`: a page of another site
 * cannot post JSON here (that would need CORS, which this API does not allow) and the Lax cookie
 * stays off its posts. What it can post is a plain form, so a body must be JSON (415 otherwise);
 * a request the browser marks as coming from another site or origin is refused (403).
 */
export function checkApiRequest(request: FastifyRequest): void {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) throw new UnsupportedMediaTypeException();
  checkSameOrigin(request);
}

/** Refuses (403 `identity.csrf_invalid`) a request whose Origin or Referer names another site. */
export function checkSameOrigin(request: FastifyRequest): void {
  if (!sameOrigin(request)) throw new IdentityError(IdentityErrorCode.CsrfInvalid);
}

/** The step-up page that raises the session to `level` and returns to `next`. */
export const stepUpPath = (level: TrustLevel, next: string): string =>
  `/konto/identitaet?level=${level}&next=${encodeURIComponent(localPath(next))}`;

/** The tenant of the request, or the unknown-tenant error (on localhost and the operator's host). */
export function requireTenant(request: FastifyRequest) {
  const tenant = tenantOf(request);
  if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
  return tenant;
}

/** A place to return to after login or step-up: a path on this host only, else `fallback`. */
export function localPath(next: unknown, fallback = '/konto'): string {
  const value = Array.isArray(next) ? (next as unknown[])[0] : next;
  if (typeof value !== 'string' || value.length > 1000) return fallback;
  // "/x" yes; "//evil", "/\evil" (browsers read both as another host) and control characters no.
  if (!/^\/(?![/\\])[^\u0000-\u001f\u007f\\]*$/.test(value)) return fallback;
  return value;
}

/** The login page that returns to `next`. */
export const loginPath = (next: string): string => `/konto/anmelden?next=${encodeURIComponent(localPath(next))}`;
