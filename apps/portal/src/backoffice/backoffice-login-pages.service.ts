import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, DomainError, FieldFault } from '@openrathaus/core';
import { I18n } from '@openrathaus/i18n';
import { STAFF_SESSION_HOURS, StaffAccounts, StaffLoginStep, StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { CitizenAuth, requireTenant } from '../http/citizen-auth';
import { setSessionCookie } from '../http/cookies';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext, redirectAfterPost } from '../http/page-context.service';
import { STAFF_COOKIE } from '../http/pipeline/staff.guard';

/** What a back office page needs of the request: tenant, language and the staff session, if any. */
export interface StaffPage {
  request: FastifyRequest;
  reply: FastifyReply;
  tenant: Tenant;
  locale: string;
  session: StaffSession | undefined;
  t: (key: string, params?: Record<string, unknown>) => string;
}

/** One input of a back office form. */
export interface StaffField {
  name: string;
  type: 'text' | 'email' | 'password';
  autocomplete: string;
  maxlength: number;
  hint?: string;
  inputmode?: 'numeric' | 'text';
  required?: boolean;
}

/** A form of the back office: its i18n key (`backoffice.<key>.*`), where it posts, its fields. */
export interface StaffForm {
  key: string;
  action: string;
  fields: StaffField[];
  /** The `_csrf`: the session's, or the pre-session token before login. */
  csrf: string;
}

/** The page of each missing step of a login; the inbox once nothing is missing. */
export function stepPath(next: StaffLoginStep | null): string {
  switch (next) {
    case 'change_password':
      return '/backoffice/passwort';
    case 'enrol_totp':
      return '/backoffice/zwei-faktor/einrichten';
    case 'totp':
      return '/backoffice/zwei-faktor';
    default:
      return '/backoffice';
  }
}

/**
 * The data of the partial `backoffice-nav` for a logged-in member of staff: the tenant admin's
 * links too, the logout form's `_csrf`, the current entry.
 */
export function staffNav(
  session: StaffSession,
  current: 'inbox' | 'statistik' | 'protokoll' | 'uebergaben' | 'mitarbeitende' | 'termine' | 'barrieren' | undefined,
): { admin: boolean; csrf: string; current?: string } {
  return { admin: session.role === 'tenant-admin', csrf: session.csrfToken, current };
}

/**
 * What the back office's pages share: tenant, language and staff session of the request, forms
 * with their faults beside the fields and in a summary, the session cookie, rendering in the
 * tenant's layout as a personal page (never cached) without the citizen's links.
 */
@Injectable()
export class BackofficePages {
  constructor(
    private readonly staff: StaffAccounts,
    private readonly auth: CitizenAuth,
    private readonly i18n: I18n,
    private readonly pages: PageContext,
    private readonly responder: ErrorResponder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async page(request: FastifyRequest, reply: FastifyReply): Promise<StaffPage> {
    const tenant = requireTenant(request);
    const locale = this.pages.locale(request, reply, tenant);
    return {
      request,
      reply,
      tenant,
      locale,
      session: await this.staff.session(tenant.id, request.cookies[STAFF_COOKIE]),
      t: (key, params) => this.i18n.t(locale, key, params),
    };
  }

  /** The pre-session `_csrf` of the login form (a double submit with an HttpOnly cookie). */
  loginCsrf(page: StaffPage): string {
    return this.auth.csrfToken(page.request, page.reply);
  }

  /** Checks the login form's pre-session `_csrf`. */
  checkLoginCsrf(page: StaffPage, body: unknown): void {
    this.auth.checkCsrf(page.request, undefined, body);
  }

  setCookie(page: StaffPage, sessionId: string): void {
    setSessionCookie(page.reply, STAFF_COOKIE, sessionId, this.config.env === 'production', STAFF_SESSION_HOURS * 3600);
  }

  clearCookie(page: StaffPage): void {
    setSessionCookie(page.reply, STAFF_COOKIE, '', this.config.env === 'production', 0);
  }

  /**
   * The form's view data, empty or after a refused post (`outcome` the error): faults of fields
   * beside their inputs and in the summary; other refusals as a line of the summary. Entered values
   * come back, passwords and codes never. Returns the status to answer with too.
   */
  form(
    page: StaffPage,
    spec: StaffForm,
    outcome: unknown,
    values: Record<string, unknown> = {},
  ): { status: number; form: Record<string, unknown>; title: string } {
    let status = 200;
    let faults: FieldFault[] = [];
    const problems: { href?: string; message: string }[] = [];
    if (outcome instanceof DomainError) {
      const body = this.responder.body(outcome, page.request);
      status = body.statusCode;
      faults = outcome.fields;
      if (!faults.length) problems.push({ message: body.message });
    } else if (outcome !== undefined) {
      // Not a refusal of the input: the error filter answers it as any other failure.
      throw outcome instanceof Error ? outcome : new Error('unexpected outcome of a form');
    }
    const known = spec.fields.map((f) => f.name);
    const label = (field: string) => page.t(`backoffice.field.${field}`);
    const message = (fault: FieldFault) =>
      page.t(`errors.field.${fault.key}`, { ...fault.params, field: label(fault.field) });
    for (const fault of faults) {
      problems.push({ href: known.includes(fault.field) ? `#f-${fault.field}` : undefined, message: message(fault) });
    }
    const fields = spec.fields.map((f) => {
      const id = `f-${f.name}`;
      const fault = faults.find((x) => x.field === f.name);
      const value = f.type === 'text' || f.type === 'email' ? values[f.name] : undefined;
      return {
        id,
        name: f.name,
        label: label(f.name),
        hint: f.hint ? page.t(f.hint) : undefined,
        type: f.type,
        autocomplete: f.autocomplete,
        inputmode: f.inputmode,
        maxlength: f.maxlength,
        required: f.required !== false,
        spellcheckOff: f.type === 'email' || f.inputmode === 'numeric',
        value: typeof value === 'string' && f.name !== 'code' ? value.slice(0, f.maxlength) : '',
        error: fault ? message(fault) : undefined,
        describedBy: [f.hint ? `${id}-hint` : '', fault ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
      };
    });
    const heading = page.t(`backoffice.${spec.key}.title`);
    return {
      status,
      title: problems.length ? `${page.t('account.errors.title')}: ${heading}` : heading,
      form: {
        heading,
        intro: page.t(`backoffice.${spec.key}.intro`),
        action: spec.action,
        csrf: spec.csrf,
        fields,
        problems,
        submit: page.t(`backoffice.${spec.key}.submit`),
      },
    };
  }

  /** Renders a back office page; the navigation shows once the login is complete. */
  render(
    page: StaffPage,
    status: number,
    view: string,
    title: string,
    data: Record<string, unknown>,
    current?: 'mitarbeitende',
  ): string {
    const base = this.pages.base(page.tenant, page.locale, page.request.url.split('?')[0], title);
    const site = { ...(base.site as Record<string, unknown>), accountLinks: false, homeUrl: '/backoffice' };
    const nav = page.session && page.session.next === null ? staffNav(page.session, current) : undefined;
    return this.pages.personal(
      page.request,
      page.reply,
      { tenant: page.tenant, locale: page.locale, view, title, status },
      { site, staffNav: nav, ...data },
    );
  }

  /** Readies a redirect (303, `no-store`); the handler returns nothing and Nest sends it. */
  after(reply: FastifyReply, url: string): undefined {
    return redirectAfterPost(reply, url);
  }
}
