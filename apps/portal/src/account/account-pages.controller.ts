import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldFault } from '@openrathaus/core';
import {
  CitizenAccounts,
  CitizenRealms,
  CitizenSession,
  CitizenSessions,
  IdentityError,
  IdentityErrorCode,
  IdentityStepUp,
  TRUST_LEVELS,
  bodyFields,
  isTrustLevel,
  meetsLevel,
} from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { I18n } from '@openrathaus/i18n';
import { CITIZEN_COOKIE, CitizenAuth, localPath, loginPath, requireTenant, stepUpPath } from '../http/citizen-auth';
import { cookie } from '../http/cookies';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext, seeOther } from '../http/page-context.service';

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

interface FormSpec {
  key: 'register' | 'login' | 'forgot' | 'reset';
  action: string;
  fields: FieldSpec[];
  hidden?: Record<string, string>;
  links?: { url: string; text: string }[];
}

/** What a page needs of the request: its tenant, language and the citizen, if any. */
interface Page {
  request: FastifyRequest;
  reply: FastifyReply;
  tenant: Tenant;
  locale: string;
  session: CitizenSession | undefined;
  t: (key: string, params?: Record<string, unknown>) => string;
}

const first = (value: unknown): unknown => (Array.isArray(value) ? (value as unknown[])[0] : value);

/**
 * Citizen account pages without JavaScript: register, confirm, log in and out, reset the password,
 * the overview, and the step-up of the identity level. Every page is for one person: rendered per
 * request in the tenant's layout, never put in the page cache, answered with `no-store`. Every
 * form post carries `_csrf` (see citizen-auth.ts).
 */
@ApiExcludeController()
@Controller('konto')
export class AccountPagesController {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly accounts: CitizenAccounts,
    private readonly sessions: CitizenSessions,
    private readonly realms: CitizenRealms,
    private readonly stepUp: IdentityStepUp,
    private readonly i18n: I18n,
    private readonly pages: PageContext,
    private readonly responder: ErrorResponder,
  ) {}

  @Get()
  async overview(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    if (!page.session) return this.redirect(reply, loginPath('/konto'));
    return this.showOverview(page, page.session);
  }

  @Get('registrieren')
  async registerForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.form(await this.page(request, reply), this.registerSpec(), 200);
  }

  @Post('registrieren')
  async register(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    const fields = bodyFields(body);
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.register(page.tenant, fields, { client: request.ip, locale: page.locale });
    } catch (error) {
      return this.form(page, this.registerSpec(), error, fields);
    }
    const email = String(fields.email).trim().toLowerCase();
    return this.message(page, 200, 'success', 'account.register.done.title', [
      page.t('account.register.done.text', { email }),
      page.t('account.register.done.spam'),
    ]);
  }

  /** The link from the mail: confirms on GET, so that one click is enough. */
  @Get('bestaetigen')
  async confirm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    try {
      await this.accounts.verify(page.tenant, first((request.query as Record<string, unknown>)?.token));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return this.message(
        page,
        400,
        'danger',
        'account.confirm.failed.title',
        [page.t('account.confirm.failed.text')],
        [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
      );
    }
    return this.message(
      page,
      200,
      'success',
      'account.confirm.done.title',
      [page.t('account.confirm.done.text')],
      [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
    );
  }

  @Get('anmelden')
  async loginForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    const next = localPath((request.query as Record<string, unknown>)?.next);
    if (page.session) return this.redirect(reply, next);
    return this.form(page, this.loginSpec(next), 200);
  }

  @Post('anmelden')
  async login(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    const fields = bodyFields(body);
    const next = localPath(fields.next);
    try {
      this.auth.checkCsrf(request, undefined, body);
      const { session } = await this.accounts.login(page.tenant, fields.email, fields.password, {
        client: request.ip,
        locale: page.locale,
      });
      // The new login replaces the session this browser had.
      await this.sessions.end(cookie(request, CITIZEN_COOKIE));
      this.auth.startCitizenSession(request, reply, session);
    } catch (error) {
      return this.form(page, this.loginSpec(next), error, { email: fields.email });
    }
    return this.redirect(reply, next);
  }

  @Post('abmelden')
  async logout(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = await this.auth.citizenOf(request);
    if (session) {
      this.auth.checkCsrf(request, session, body);
      await this.sessions.end(session.sessionId);
    }
    this.auth.clearCitizenCookie(request, reply);
    return this.redirect(reply, '/');
  }

  @Post('abmelden-ueberall')
  async logoutEverywhere(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page = await this.page(request, reply);
    if (!page.session) return this.redirect(reply, loginPath('/konto'));
    this.auth.checkCsrf(request, page.session, body);
    await this.accounts.logoutEverywhere(page.session);
    this.auth.clearCitizenCookie(request, reply);
    page.session = undefined;
    return this.message(
      page,
      200,
      'success',
      'account.logoutEverywhere.done.title',
      [page.t('account.logoutEverywhere.done.text')],
      [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
    );
  }

  @Get('passwort-vergessen')
  async forgotForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.form(await this.page(request, reply), this.forgotSpec(), 200);
  }

  @Post('passwort-vergessen')
  async forgot(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page = await this.page(request, reply);
    const fields = bodyFields(body);
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.requestPasswordReset(page.tenant, fields.email, { client: request.ip, locale: page.locale });
    } catch (error) {
      return this.form(page, this.forgotSpec(), error, fields);
    }
    return this.message(page, 200, 'success', 'account.forgot.done.title', [
      page.t('account.forgot.done.text', { email: String(fields.email).trim().toLowerCase() }),
    ]);
  }

  @Get('passwort-neu')
  async resetForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    const token = first((request.query as Record<string, unknown>)?.token);
    // Only looked at, not used: the token is spent when the new password is saved.
    if (!(await this.accounts.tokenUsable(page.tenant, 'reset', token))) return this.resetFailed(page);
    return this.form(page, this.resetSpec(String(token)), 200);
  }

  @Post('passwort-neu')
  async reset(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page = await this.page(request, reply);
    const fields = bodyFields(body);
    const token = typeof fields.token === 'string' ? fields.token : '';
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.resetPassword(page.tenant, fields.token, fields.password, page.session?.sessionId);
    } catch (error) {
      if (error instanceof IdentityError && error.code === IdentityErrorCode.InvalidToken)
        return this.resetFailed(page);
      return this.form(page, this.resetSpec(token), error);
    }
    return this.message(
      page,
      200,
      'success',
      'account.reset.done.title',
      [page.t('account.reset.done.text')],
      [
        page.session
          ? { url: '/konto', text: page.t('account.toAccount') }
          : { url: '/konto/anmelden', text: page.t('account.toLogin') },
      ],
    );
  }

  /**
   * Starts the step-up: `?level=substantial|high&next=/path`. Needs a login (the state of the
   * flow lives in the session); a session at the level already goes straight on to `next`.
   */
  @Get('identitaet')
  async identity(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    const query = (request.query as Record<string, unknown>) ?? {};
    const level = first(query.level);
    if (!isTrustLevel(level)) {
      throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
        { field: 'level', key: 'one_of', params: { allowed: TRUST_LEVELS.join(', ') } },
      ]);
    }
    const next = localPath(query.next);
    if (!page.session) {
      const back = stepUpPath(level, next);
      return this.redirect(reply, loginPath(back));
    }
    if (meetsLevel(page.session.trustLevel, level)) return this.redirect(reply, next);
    if (!this.stepUp.configured) {
      return this.message(
        page,
        503,
        'warning',
        'account.stepUp.none.title',
        [page.t('account.stepUp.none.text')],
        [{ url: '/konto', text: page.t('account.toAccount') }],
      );
    }
    try {
      const url = await this.stepUp.start(page.session, { level, next, callbackUrl: this.callbackUrl(request) });
      return this.redirect(reply, url);
    } catch (error) {
      return this.providerDown(page, error);
    }
  }

  /** The return from the provider: a top-level GET from its site, which the Lax session cookie survives. */
  @Get('identitaet/callback')
  async identityCallback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.page(request, reply);
    if (!page.session) {
      return this.message(
        page,
        401,
        'danger',
        'account.stepUp.failed.title',
        [page.t('account.stepUp.login')],
        [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
      );
    }
    const currentUrl = new URL(request.url, `${request.protocol}://${request.host}`);
    try {
      const result = await this.stepUp.finish(page.session, currentUrl, this.callbackUrl(request));
      const session = await this.sessions.citizenSession(result.sessionId, page.tenant);
      if (session) this.auth.startCitizenSession(request, reply, session);
      return this.redirect(reply, result.next);
    } catch (error) {
      if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.StepUpFailed) {
        return this.providerDown(page, error);
      }
      return this.message(
        page,
        400,
        'danger',
        'account.stepUp.failed.title',
        [page.t('account.stepUp.failed.text')],
        [{ url: '/konto', text: page.t('account.toAccount') }],
      );
    }
  }

  /** The provider does not answer: a page that says so (not the portal's maintenance page). */
  private providerDown(page: Page, error: unknown): FastifyReply {
    if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.IdentityProviderUnavailable) throw error;
    return this.message(
      page,
      503,
      'warning',
      'account.stepUp.failed.title',
      [page.t(`errors.${error.code}`)],
      [{ url: '/konto', text: page.t('account.toAccount') }],
    );
  }

  private callbackUrl(request: FastifyRequest): string {
    return `${request.protocol}://${request.host}/konto/identitaet/callback`;
  }

  private registerSpec(): FormSpec {
    return {
      key: 'register',
      action: '/konto/registrieren',
      fields: [NAME, { ...EMAIL, hint: 'account.field.email.hint' }, NEW_PASSWORD],
      links: [{ url: '/konto/anmelden', text: 'account.register.haveAccount' }],
    };
  }

  private loginSpec(next: string): FormSpec {
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

  private forgotSpec(): FormSpec {
    return { key: 'forgot', action: '/konto/passwort-vergessen', fields: [EMAIL] };
  }

  private resetSpec(token: string): FormSpec {
    return {
      key: 'reset',
      action: '/konto/passwort-neu',
      fields: [{ ...NEW_PASSWORD, label: 'newPassword' }],
      hidden: { token },
    };
  }

  private resetFailed(page: Page): FastifyReply {
    return this.message(
      page,
      400,
      'danger',
      'account.reset.failed.title',
      [page.t('account.reset.failed.text')],
      [{ url: '/konto/passwort-vergessen', text: page.t('account.reset.again') }],
    );
  }

  private async page(request: FastifyRequest, reply: FastifyReply): Promise<Page> {
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
  private form(page: Page, spec: FormSpec, outcome: unknown, values: Record<string, unknown> = {}) {
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

  private showOverview(page: Page, session: CitizenSession): FastifyReply {
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

  private message(
    page: Page,
    status: number,
    kind: 'success' | 'danger' | 'warning' | 'info',
    titleKey: string,
    paragraphs: string[],
    links: { url: string; text: string }[] = [{ url: '/', text: page.t('account.toHome') }],
  ): FastifyReply {
    const heading = page.t(titleKey);
    return this.render(page, status, 'account-message', heading, { message: { heading, kind, paragraphs, links } });
  }

  private render(page: Page, status: number, view: string, title: string, data: Record<string, unknown>) {
    return this.pages.sendPersonal(
      page.request,
      page.reply,
      { tenant: page.tenant, locale: page.locale, view, title, status },
      data,
    );
  }

  private redirect(reply: FastifyReply, url: string): FastifyReply {
    return seeOther(reply, url);
  }
}
