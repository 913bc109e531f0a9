import { Body, Controller, Get, Inject, Param, Post, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, DomainError } from '@openrathaus/core';
import { intlLocale } from '@openrathaus/i18n';
import { STAFF_SESSION_HOURS, bodyFields, groupedTotpSecret } from '@openrathaus/identity';
import {
  OPERATOR_COOKIE,
  OperatorAccounts,
  OperatorLoginStep,
  OperatorSession,
  TenantConsole,
  TenantOverview,
  tenantDefaults,
  tenantYaml,
} from '@openrathaus/operations';
import { TenantRegistry } from '@openrathaus/tenancy';
import { CitizenAuth } from '../http/citizen-auth';
import { setSessionCookie } from '../http/cookies';
import { ErrorResponder } from '../http/error-responder.service';
import { redirectAfterPost } from '../http/page-context.service';
import { qrCodeDataUrl } from '../backoffice/staff-qr-code';
import { OperatorField, operatorForm } from './operator-forms';
import { CurrentOperator, OperatorGuard, OperatorHostGuard, checkOperatorCsrf } from './operator.guard';
import { OperatorPages } from './operator-pages.service';

const EMAIL: OperatorField = {
  name: 'email',
  type: 'email',
  autocomplete: 'username',
  maxlength: 254,
  label: 'backoffice.field.email',
};
const PASSWORD: OperatorField = {
  name: 'password',
  type: 'password',
  autocomplete: 'current-password',
  maxlength: 1024,
  label: 'backoffice.field.password',
};
const NEW_PASSWORD: OperatorField = {
  name: 'newPassword',
  type: 'password',
  autocomplete: 'new-password',
  maxlength: 1024,
  label: 'backoffice.field.newPassword',
  hint: 'backoffice.field.newPassword.hint',
};
const CODE: OperatorField = {
  name: 'code',
  type: 'text',
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  maxlength: 32,
  label: 'backoffice.field.code',
  hint: 'backoffice.field.code.hint',
};

const text = (name: string, maxlength: number, extra: Partial<OperatorField> = {}): OperatorField => ({
  name,
  type: 'text',
  autocomplete: 'off',
  maxlength,
  label: `operator.field.${name}`,
  ...extra,
});

/** The onboarding form's inputs; faults of the configuration are shown at the input they come from. */
const ONBOARDING: OperatorField[] = [
  text('name', 200, { faults: /^(name|shortName)$/ }),
  text('slug', 60, { hint: 'operator.field.slug.hint', spellcheckOff: true } as Partial<OperatorField>),
  text('ags', 8, { inputmode: 'numeric', hint: 'operator.field.ags.hint' }),
  text('region', 60, { required: false, hint: 'operator.field.region.hint' }),
  text('district', 60, { required: false }),
  text('domain', 253, { hint: 'operator.field.domain.hint', faults: /^domains/ }),
  text('primaryColor', 7, { hint: 'operator.field.primaryColor.hint', faults: /^branding\./ }),
  text('street', 200, { faults: /address\.street$/ }),
  text('postalCode', 5, { inputmode: 'numeric', faults: /address\.postalCode$/ }),
  { ...text('adminEmail', 254), type: 'email', autocomplete: 'email' },
];

const STEP_PATHS: Record<OperatorLoginStep, string> = {
  change_password: '/konsole/passwort',
  enrol_totp: '/konsole/zwei-faktor/einrichten',
  totp: '/konsole/zwei-faktor',
};

const stepPath = (next: OperatorLoginStep | null): string => (next ? STEP_PATHS[next] : '/konsole');

const optional = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

/**
 * The operator console as pages, without JavaScript, on the console's host only: the login in
 * steps as in the back office, the tenants, a tenant's details with suspension and export, and
 * the onboarding form.
 */
@ApiExcludeController()
@Controller('konsole')
@UseGuards(OperatorHostGuard)
export class OperatorPagesController {
  constructor(
    private readonly pages: OperatorPages,
    private readonly operators: OperatorAccounts,
    private readonly tenants: TenantConsole,
    private readonly registry: TenantRegistry,
    private readonly auth: CitizenAuth,
    private readonly responder: ErrorResponder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @UseGuards(OperatorGuard)
  async list(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { t, locale } = this.pages.page(request, reply);
    const tenants = (await this.tenants.list()).map((tenant) => this.labelled(tenant, t, locale));
    return this.pages.render(
      request,
      reply,
      'operator-tenants',
      { title: t('operator.nav.tenants'), session, current: 'tenants' },
      { tenants },
    );
  }

  @Get('anmelden')
  async loginForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session) return redirectAfterPost(reply, stepPath(session.next));
    return this.loginPage(request, reply, undefined);
  }

  @Post('anmelden')
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const fields = bodyFields(body);
    try {
      this.auth.checkCsrf(request, undefined, body);
      const { sessionId, session } = await this.operators.login(fields.email, fields.password);
      this.setCookie(reply, sessionId);
      return redirectAfterPost(reply, stepPath(session.next));
    } catch (error) {
      return this.loginPage(request, reply, error, fields);
    }
  }

  @Get('passwort')
  async passwordForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session?.next !== 'change_password') return redirectAfterPost(reply, this.elsewhere(session));
    return this.stepPage(request, reply, session, 'password', '/konsole/passwort', [PASSWORD, NEW_PASSWORD], undefined);
  }

  @Post('passwort')
  async password(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (!session) return redirectAfterPost(reply, '/konsole/anmelden');
    const fields = bodyFields(body);
    try {
      checkOperatorCsrf(request, session, body);
      const changed = await this.operators.changePassword(
        request.cookies[OPERATOR_COOKIE],
        fields.password,
        fields.newPassword,
      );
      return redirectAfterPost(reply, stepPath(changed.next));
    } catch (error) {
      return this.stepPage(request, reply, session, 'password', '/konsole/passwort', [PASSWORD, NEW_PASSWORD], error);
    }
  }

  @Get('zwei-faktor/einrichten')
  async enrolForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session?.next !== 'enrol_totp') return redirectAfterPost(reply, this.elsewhere(session));
    return this.enrolPage(request, reply, session, undefined);
  }

  @Post('zwei-faktor/einrichten')
  async enrol(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session?.next !== 'enrol_totp') return redirectAfterPost(reply, this.elsewhere(session));
    try {
      checkOperatorCsrf(request, session, body);
      const done = await this.operators.confirmTotp(request.cookies[OPERATOR_COOKIE], bodyFields(body).code);
      this.setCookie(reply, done.sessionId);
      const { t } = this.pages.page(request, reply);
      return this.pages.render(
        request,
        reply,
        'backoffice-totp',
        { title: t('backoffice.recovery.title'), session: done.session },
        {
          recovery: {
            codes: done.recoveryCodes,
            continueUrl: '/konsole',
            continueLabel: t('operator.recovery.continue'),
          },
        },
      );
    } catch (error) {
      return this.enrolPage(request, reply, session, error);
    }
  }

  @Get('zwei-faktor')
  async codeForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session?.next !== 'totp') return redirectAfterPost(reply, this.elsewhere(session));
    return this.stepPage(request, reply, session, 'totp.code', '/konsole/zwei-faktor', [CODE], undefined);
  }

  @Post('zwei-faktor')
  async code(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session?.next !== 'totp') return redirectAfterPost(reply, this.elsewhere(session));
    try {
      checkOperatorCsrf(request, session, body);
      const { sessionId } = await this.operators.verifyCode(request.cookies[OPERATOR_COOKIE], bodyFields(body).code);
      this.setCookie(reply, sessionId);
      return redirectAfterPost(reply, '/konsole');
    } catch (error) {
      return this.stepPage(request, reply, session, 'totp.code', '/konsole/zwei-faktor', [CODE], error);
    }
  }

  @Post('logout')
  async logout(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (session) {
      checkOperatorCsrf(request, session, body);
      await this.operators.logout(request.cookies[OPERATOR_COOKIE]);
    }
    setSessionCookie(reply, OPERATOR_COOKIE, '', this.config.env === 'production', 0);
    return redirectAfterPost(reply, '/konsole/anmelden');
  }

  @Get('mandanten/neu')
  @UseGuards(OperatorGuard)
  onboardingForm(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return this.onboardingPage(request, reply, session, undefined, { primaryColor: '#1d4f91' });
  }

  @Post('mandanten/neu')
  @UseGuards(OperatorGuard)
  async onboard(
    @Body() body: unknown,
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const fields = bodyFields(body);
    const { t, locale } = this.pages.page(request, reply);
    try {
      checkOperatorCsrf(request, session, body);
      const slug = optional(fields.slug) ?? '';
      const input = {
        ...tenantDefaults({
          slug,
          ags: optional(fields.ags) ?? '',
          name: optional(fields.name),
          region: optional(fields.region),
          district: optional(fields.district),
          domain: optional(fields.domain),
          primaryColor: optional(fields.primaryColor),
          street: optional(fields.street),
          postalCode: optional(fields.postalCode),
        }),
        adminEmail: fields.adminEmail,
      };
      const done = await this.tenants.onboard(input, session, locale);
      const portalUrl = this.config.devHosts
        ? `http://${done.slug}.localhost:${this.config.port}/`
        : `https://${done.domains[0]}/`;
      return this.pages.render(
        request,
        reply,
        'operator-onboarded',
        { title: t('operator.onboarded.title'), session, current: 'onboarding' },
        {
          ...done,
          name: (input as Record<string, unknown>).name,
          portalUrl,
        },
      );
    } catch (error) {
      return this.onboardingPage(request, reply, session, error, fields);
    }
  }

  @Get('mandanten/:slug')
  @UseGuards(OperatorGuard)
  async detail(
    @Param('slug') slug: string,
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.detailPage(request, reply, session, slug);
  }

  @Post('mandanten/:slug/sperren')
  @UseGuards(OperatorGuard)
  async suspend(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | void> {
    checkOperatorCsrf(request, session, body);
    try {
      await this.tenants.suspend(slug, bodyFields(body).message, session);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.fields.length) throw error;
      const { locale } = this.pages.page(request, reply);
      return this.detailPage(request, reply, session, slug, {
        status: 422,
        suspendError: this.responder.fieldMessage(locale, { ...error.fields[0], params: { field: 'message' } }),
      });
    }
    return redirectAfterPost(reply, `/konsole/mandanten/${encodeURIComponent(slug)}`);
  }

  @Post('mandanten/:slug/freigeben')
  @UseGuards(OperatorGuard)
  async resume(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    checkOperatorCsrf(request, session, body);
    await this.tenants.resume(slug, session);
    return redirectAfterPost(reply, `/konsole/mandanten/${encodeURIComponent(slug)}`);
  }

  @Get('mandanten/:slug/tenant.yaml')
  @UseGuards(OperatorGuard)
  async export(@Param('slug') slug: string, @CurrentOperator() session: OperatorSession): Promise<StreamableFile> {
    const yaml = await this.tenants.exportYaml(slug, session);
    return new StreamableFile(Buffer.from(yaml), {
      type: 'application/yaml; charset=utf-8',
      disposition: `attachment; filename="${slug.replace(/[^a-z0-9-]/g, '_')}-tenant.yaml"`,
    });
  }

  private async detailPage(
    request: FastifyRequest,
    reply: FastifyReply,
    session: OperatorSession,
    slug: string,
    extra: { status?: number; suspendError?: string } = {},
  ): Promise<string> {
    const { t, locale } = this.pages.page(request, reply);
    const detail = await this.tenants.detail(slug, session);
    const tenant = this.labelled(detail.overview, t, locale);
    const known = this.registry.get(slug);
    const when = (d: Date) => new Date(d).toLocaleString(intlLocale(locale), { timeZone: 'Europe/Berlin' });
    return this.pages.render(
      request,
      reply,
      'operator-tenant',
      { title: detail.overview.name, session, current: 'tenants', status: extra.status },
      {
        tenant,
        csrf: session.csrfToken,
        suspendError: extra.suspendError,
        portalUrl: known ? this.registry.portalUrl(known) : undefined,
        sourceLabel: t(`operator.source.${detail.overview.source}`),
        suspendedSince: detail.overview.suspension ? when(new Date(detail.overview.suspension.since)) : undefined,
        disabledLabel: t('operator.tenant.disabled'),
        services: detail.services.map((s) => ({ ...s, typeLabel: t(`operator.tenant.type.${s.type}`) })),
        staff: detail.staff,
        audit: detail.audit.map((a) => ({ ...a, iso: new Date(a.createdAt).toISOString(), when: when(a.createdAt) })),
        yaml: tenantYaml(detail.config),
      },
    );
  }

  private labelled(tenant: TenantOverview, t: (key: string) => string, locale: string) {
    return {
      ...tenant,
      kindLabel: t(`kind.${tenant.kind}`),
      statusLabel: t(`operator.status.${tenant.status}`),
      lastSyncText: new Date(tenant.lastSync).toLocaleString(intlLocale(locale), {
        timeZone: 'Europe/Berlin',
      }),
    };
  }

  private elsewhere(session: OperatorSession | undefined): string {
    return session ? stepPath(session.next) : '/konsole/anmelden';
  }

  private setCookie(reply: FastifyReply, sessionId: string): void {
    setSessionCookie(reply, OPERATOR_COOKIE, sessionId, this.config.env === 'production', STAFF_SESSION_HOURS * 3600);
  }

  private loginPage(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: unknown,
    values: Record<string, unknown> = {},
  ) {
    const { t, locale } = this.pages.page(request, reply);
    const spec = {
      heading: t('operator.login.title'),
      intro: t('operator.login.intro'),
      submit: t('backoffice.login.submit'),
      action: '/konsole/anmelden',
      csrf: this.auth.csrfToken(request, reply),
      fields: [EMAIL, PASSWORD],
    };
    const { status, form, title } = operatorForm(this.responder, request, locale, t, spec, outcome, values);
    return this.pages.render(request, reply, 'operator-form', { title, status }, { form });
  }

  private stepPage(
    request: FastifyRequest,
    reply: FastifyReply,
    session: OperatorSession,
    key: string,
    action: string,
    fields: OperatorField[],
    outcome: unknown,
  ): string {
    const { t, locale } = this.pages.page(request, reply);
    const spec = {
      heading: t(`backoffice.${key}.title`),
      intro: t(`backoffice.${key}.intro`),
      submit: t(`backoffice.${key}.submit`),
      action,
      csrf: session.csrfToken,
      fields,
    };
    const { status, form, title } = operatorForm(this.responder, request, locale, t, spec, outcome);
    return this.pages.render(request, reply, 'operator-form', { title, status }, { form });
  }

  private async enrolPage(request: FastifyRequest, reply: FastifyReply, session: OperatorSession, outcome: unknown) {
    const { secret, otpauthUri } = await this.operators.startTotpEnrolment(request.cookies[OPERATOR_COOKIE]);
    const { t, locale } = this.pages.page(request, reply);
    const spec = {
      heading: t('backoffice.totp.enrol.title'),
      intro: t('operator.totp.enrol.intro'),
      submit: t('backoffice.totp.enrol.submit'),
      action: '/konsole/zwei-faktor/einrichten',
      csrf: session.csrfToken,
      fields: [CODE],
    };
    const { status, form, title } = operatorForm(this.responder, request, locale, t, spec, outcome);
    return this.pages.render(
      request,
      reply,
      'backoffice-totp',
      { title, status },
      {
        form,
        enrolment: { qrCode: await qrCodeDataUrl(otpauthUri), groupedSecret: groupedTotpSecret(secret) },
      },
    );
  }

  private onboardingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    session: OperatorSession,
    outcome: unknown,
    values: Record<string, unknown>,
  ): string {
    const { t, locale } = this.pages.page(request, reply);
    const regions = this.registry
      .all()
      .filter((r) => r.kind === 'region')
      .map((r) => r.slug);
    const spec = {
      heading: t('operator.onboarding.title'),
      intro: t('operator.onboarding.intro', { regions: regions.join(', ') }),
      submit: t('operator.onboarding.submit'),
      action: '/konsole/mandanten/neu',
      csrf: session.csrfToken,
      fields: ONBOARDING,
    };
    const { status, form, title } = operatorForm(this.responder, request, locale, t, spec, outcome, values);
    return this.pages.render(
      request,
      reply,
      'operator-form',
      { title, status, session, current: 'onboarding' },
      { form },
    );
  }
}
