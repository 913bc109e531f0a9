import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CitizenAccounts, IdentityError, IdentityErrorCode, bodyFields } from '@openrathaus/identity';
import { CitizenAuth } from '../http/citizen-auth';
import { AccountPages, Page, first, forgotSpec, resetSpec } from './account-pages.service';

/** The forgotten password: the request for a link, and the new password set with it. */
@ApiExcludeController()
@Controller('konto')
export class PasswordPagesController {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly accounts: CitizenAccounts,
    private readonly views: AccountPages,
  ) {}

  @Get('passwort-vergessen')
  async forgotForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    return this.views.form(await this.views.page(request, reply), forgotSpec(), 200);
  }

  @Post('passwort-vergessen')
  async forgot(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    const fields = bodyFields(body);
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.requestPasswordReset(page.tenant, fields.email, { client: request.ip, locale: page.locale });
    } catch (error) {
      return this.views.form(page, forgotSpec(), error, fields);
    }
    return this.views.notice(page, 200, 'success', 'account.forgot.done.title', [
      page.t('account.forgot.done.text', { email: String(fields.email).trim().toLowerCase() }),
    ]);
  }

  @Get('passwort-neu')
  async resetForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    const token = first((request.query as Record<string, unknown>)?.token);
    // Only looked at, not used: the token is spent when the new password is saved.
    if (!(await this.accounts.tokenUsable(page.tenant, 'reset', token))) return this.resetFailed(page);
    return this.views.form(page, resetSpec(String(token)), 200);
  }

  @Post('passwort-neu')
  async reset(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    const fields = bodyFields(body);
    const token = typeof fields.token === 'string' ? fields.token : '';
    try {
      this.auth.checkCsrf(request, undefined, body);
      await this.accounts.resetPassword(page.tenant, fields.token, fields.password, page.session?.sessionId);
    } catch (error) {
      if (error instanceof IdentityError && error.code === IdentityErrorCode.InvalidToken)
        return this.resetFailed(page);
      return this.views.form(page, resetSpec(token), error);
    }
    return this.views.notice(
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

  private resetFailed(page: Page): string {
    return this.views.notice(
      page,
      400,
      'danger',
      'account.reset.failed.title',
      [page.t('account.reset.failed.text')],
      [{ url: '/konto/passwort-vergessen', text: page.t('account.reset.again') }],
    );
  }
}
