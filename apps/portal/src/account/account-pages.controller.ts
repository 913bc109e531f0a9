import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CitizenAccounts, CitizenSessions, IdentityError, bodyFields } from '@openrathaus/identity';
import { CITIZEN_COOKIE, CitizenAuth, localPath, loginPath } from '../http/citizen-auth';
import { CitizenLoginFormGuard, LoginFormOutcome, PasswordLogin } from '../http/pipeline/password-login.guard';
import { CsrfGuard } from '../http/pipeline/csrf.guard';
import { AccountPages, first, loginSpec, registerSpec } from './account-pages.service';

/**
 * Citizen account pages without JavaScript: register, confirm, log in and out, the overview.
 * Every page is for one person: rendered per request in the tenant's layout, never put in the
 * page cache, answered with `no-store`. Every form post carries `_csrf` (see citizen-auth.ts).
 */
@ApiExcludeController()
@Controller('konto')
export class AccountPagesController {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly accounts: CitizenAccounts,
    private readonly sessions: CitizenSessions,
    private readonly views: AccountPages,
  ) {}

  @Get()
  async overview(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    if (!page.session) return this.views.after(reply, loginPath('/konto'));
    return this.views.overview(page, page.session);
  }

  @Get('registrieren')
  async registerForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    return this.views.form(await this.views.page(request, reply), registerSpec(), 200);
  }

  @Post('registrieren')
  async register(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    const fields = bodyFields(body);
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.register(page.tenant, fields, { client: request.ip, locale: page.locale });
    } catch (error) {
      return this.views.form(page, registerSpec(), error, fields);
    }
    const email = String(fields.email).trim().toLowerCase();
    return this.views.notice(page, 200, 'success', 'account.register.done.title', [
      page.t('account.register.done.text', { email }),
      page.t('account.register.done.spam'),
    ]);
  }

  /** The link from the mail: confirms on GET, so that one click is enough. */
  @Get('bestaetigen')
  async confirm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    try {
      await this.accounts.verify(page.tenant, first((request.query as Record<string, unknown>)?.token));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return this.views.notice(
        page,
        400,
        'danger',
        'account.confirm.failed.title',
        [page.t('account.confirm.failed.text')],
        [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
      );
    }
    return this.views.notice(
      page,
      200,
      'success',
      'account.confirm.done.title',
      [page.t('account.confirm.done.text')],
      [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
    );
  }

  @Get('anmelden')
  async loginForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    const next = localPath((request.query as Record<string, unknown>)?.next);
    if (page.session) return this.views.after(reply, next);
    return this.views.form(page, loginSpec(next), 200);
  }

  @Post('anmelden')
  @UseGuards(CitizenLoginFormGuard)
  async login(
    @Body() body: unknown,
    @PasswordLogin() outcome: LoginFormOutcome,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    const fields = bodyFields(body);
    const next = localPath(fields.next);
    if ('error' in outcome) return this.views.form(page, loginSpec(next), outcome.error, { email: fields.email });
    try {
      // The new login replaces the session this browser had.
      await this.sessions.end(request.cookies[CITIZEN_COOKIE]);
      this.auth.startCitizenSession(request, reply, outcome.session);
    } catch (error) {
      return this.views.form(page, loginSpec(next), error, { email: fields.email });
    }
    return this.views.after(reply, next);
  }

  @Post('abmelden')
  @UseGuards(CsrfGuard)
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.auth.citizenOf(request);
    if (session) await this.sessions.end(session.sessionId);
    this.auth.clearCitizenCookie(request, reply);
    return this.views.after(reply, '/');
  }

  @Post('abmelden-ueberall')
  @UseGuards(CsrfGuard)
  async logoutEverywhere(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (!page.session) return this.views.after(reply, loginPath('/konto'));
    await this.accounts.logoutEverywhere(page.session);
    this.auth.clearCitizenCookie(request, reply);
    page.session = undefined;
    return this.views.notice(
      page,
      200,
      'success',
      'account.logoutEverywhere.done.title',
      [page.t('account.logoutEverywhere.done.text')],
      [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
    );
  }
}
