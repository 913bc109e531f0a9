import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldFault } from '@openrathaus/core';
import { CitizenRealms, CitizenSession, IdentityError, IdentityStepUp, meetsLevel } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { I18n } from '@openrathaus/i18n';
import { CitizenAuth, requireTenant } from '../http/citizen-auth';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext, redirectAfterPost } from '../http/page-context.service';

/** One input of an account form. */
interface FieldSpec {
  name: string;
  /** i18n key of the label (below `account.field.`) when not the name. */
  label?: string;
  type: 'text' | 'email' | 'password';
  autocomplete: string;
  hint?: string;
  maxlength: number;
}

const NAME: FieldSpec = { name: 'name', type: 'text', autocomplete: 'name', maxlength: 200 };
const EMAIL: FieldSpec = { name: 'email', type: 'email', autocomplete: 'email', maxlength: 254 };
const NEW_PASSWORD: FieldSpec = {
  name: 'password',
  type: 'password',
  autocomplete: 'new-password',
  hint: 'account.field.password.hint',
  maxlength: 1024,
};
const PASSWORD: FieldSpec = { name: 'password', type: 'password', autocomplete: 'current-password', maxlength: 1024 };

export interface FormSpec {
  key: 'register' | 'login' | 'forgot' | 'reset';
  action: string;
  fields: FieldSpec[];
  hidden?: Record<string, string>;
  links?: { url: string; text: string }[];
}

/** What a page needs of the request: its tenant, language and the citizen, if any. */
export interface Page {
  request: FastifyRequest;
  reply: FastifyReply;
  tenant: Tenant;
  locale: string;
  session: CitizenSession | undefined;
  t: (key: string, params?: Record<string, unknown>) => string;
}

export const first = (value: unknown): unknown => (Array.isArray(value) ? (value as unknown[])[0] : value);

export function registerSpec(): FormSpec {
  return {
    key: 'register',
    action: '/konto/registrieren',
    fields: [NAME, { ...EMAIL, hint: 'account.field.email.hint' }, NEW_PASSWORD],
    links: [{ url: '/konto/anmelden', text: 'account.register.haveAccount' }],
  };
}

export function loginSpec(next: string): FormSpec {
  return {
    key: 'login',
    action: '/konto/anmelden',
    fields: [{ ...EMAIL, autocomplete: 'username' }, PASSWORD],
    hidden: { next },
    links: [
      { url: '/konto/passwort-vergessen', text: 'account.login.forgot' },
      { url: '/konto/registrieren', text: 'account.login.register' },
    ],
  };
}

export function forgotSpec(): FormSpec {
  return { key: 'forgot', action: '/konto/passwort-vergessen', fields: [EMAIL] };
}

export function resetSpec(token: string): FormSpec {
  return {
    key: 'reset',
    action: '/konto/passwort-neu',
    fields: [{ ...NEW_PASSWORD, label: 'newPassword' }],
    hidden: { token },
  };
}

/**
 * What the account pages share: the page's tenant, language and citizen, the forms with their
 * faults, messages, and rendering in the tenant's layout as a personal page (never cached).
 */
@Injectable()
export class AccountPages {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly realms: CitizenRealms,
    private readonly stepUp: IdentityStepUp,
    private readonly i18n: I18n,
    private readonly pages: PageContext,
    private readonly responder: ErrorResponder,
  ) {}

  async page(request: FastifyRequest, reply: FastifyReply): Promise<Page> {
    const tenant = requireTenant(request);
    const locale = this.pages.locale(request, reply, tenant);
    return {
      request,
      reply,
      tenant,
      locale,
      session: await this.auth.citizenOf(request),
      t: (key, params) => this.i18n.t(locale, key, params),
    };
  }

  /**
   * Renders a form, empty (`outcome` a status) or after a refused post (`outcome` the error): the
   * faults of fields beside their inputs and, linked, in the summary at the top; other refusals
   * (wrong password, CSRF) as a line of the summary. Entered values come back, passwords never.
   */
  form(page: Page, spec: FormSpec, outcome: unknown, values: Record<string, unknown> = {}) {
    let status = 200;
    let faults: FieldFault[] = [];
    const problems: { href?: string; message: string }[] = [];
    if (typeof outcome === 'number') {
      status = outcome;
    } else if (outcome instanceof IdentityError) {
      status = this.responder.body(outcome, page.request).statusCode;
      faults = outcome.fields;
      if (!faults.length) problems.push({ message: page.t(`errors.${outcome.code}`, outcome.params) });
    } else {
      throw outcome;
    }
    const label = (field: string) =>
      page.t(`account.field.${spec.fields.find((f) => f.name === field)?.label ?? field}`);
    const fieldMessage = (fault: FieldFault) =>
      page.t(`errors.field.${fault.key}`, { ...fault.params, field: label(fault.field) });
    const known = spec.fields.map((f) => f.name);
    // The summary lists the faults in the order of the fields on the page.
    const order = (field: string) => (known.includes(field) ? known.indexOf(field) : known.length);
    for (const fault of [...faults].sort((a, b) => order(a.field) - order(b.field))) {
      problems.push({
        href: known.includes(fault.field) ? `#f-${fault.field}` : undefined,
        message: fieldMessage(fault),
      });
    }
    const fields = spec.fields.map((f) => {
      const id = `f-${f.name}`;
      const fault = faults.find((x) => x.field === f.name);
      const value = f.type !== 'password' && typeof values[f.name] === 'string' ? (values[f.name] as string) : '';
      return {
        id,
        name: f.name,
        label: page.t(`account.field.${f.label ?? f.name}`),
        hint: f.hint ? page.t(f.hint) : undefined,
        type: f.type,
        autocomplete: f.autocomplete,
        maxlength: f.maxlength,
        spellcheckOff: f.type === 'email',
        value: value.slice(0, f.maxlength),
        error: fault ? fieldMessage(fault) : undefined,
        describedBy: [f.hint ? `${id}-hint` : '', fault ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
      };
    });
    const realm = this.realms.realmTenant(page.tenant);
    // Where the account works, said where it matters: registering and logging in within a region.
    const regional =
      realm.kind === 'region' && (spec.key === 'register' || spec.key === 'login')
        ? ` ${page.t('account.realm.region', { realm: realm.config.shortName ?? realm.name })}`
        : '';
    const form = {
      heading: page.t(`account.${spec.key}.title`),
      intro: page.t(`account.${spec.key}.intro`) + regional,
      action: spec.action,
      csrf: this.auth.csrfToken(page.request, page.reply),
      hidden: Object.entries(spec.hidden ?? {}).map(([name, value]) => ({ name, value })),
      fields,
      problems,
      submit: page.t(`account.${spec.key}.submit`),
      links: (spec.links ?? []).map((l) => ({ url: l.url, text: page.t(l.text) })),
    };
    const title = problems.length ? `${page.t('account.errors.title')}: ${form.heading}` : form.heading;
    return this.render(page, status, 'account-form', title, { form });
  }

  overview(page: Page, session: CitizenSession): string {
    const canStepUp = this.stepUp.configured && !meetsLevel(session.trustLevel, 'substantial');
    const account = {
      name: session.name,
      email: session.email,
      trustLevel: session.trustLevel,
      trustLabel: page.t(`account.trust.${session.trustLevel}`),
      csrf: session.csrfToken,
      stepUpUrl: canStepUp ? '/konto/identitaet?level=substantial&next=%2Fkonto' : undefined,
    };
    return this.render(page, 200, 'account-overview', page.t('account.overview.title'), { account });
  }

  /** A message page (done, failed) with links on; the handler returns its HTML. */
  notice(
    page: Page,
    status: number,
    kind: 'success' | 'danger' | 'warning' | 'info',
    titleKey: string,
    paragraphs: string[],
    links: { url: string; text: string }[] = [{ url: '/', text: page.t('account.toHome') }],
  ): string {
    const heading = page.t(titleKey);
    return this.render(page, status, 'account-message', heading, { message: { heading, kind, paragraphs, links } });
  }

  /** Readies a redirect (303, `no-store`); the handler returns nothing and Nest sends it. */
  after(reply: FastifyReply, url: string): undefined {
    return redirectAfterPost(reply, url);
  }

  private render(page: Page, status: number, view: string, title: string, data: Record<string, unknown>): string {
    return this.pages.personal(
      page.request,
      page.reply,
      { tenant: page.tenant, locale: page.locale, view, title, status },
      data,
    );
  }
}
