import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CitizenSessions, IdentityError, IdentityErrorCode, IdentityStepUp } from '@openrathaus/identity';
import { CitizenAuth, loginPath, stepUpPath } from '../http/citizen-auth';
import {
  StepUp,
  StepUpCallbackGuard,
  StepUpReturn,
  StepUpStart,
  StepUpStartGuard,
} from '../http/pipeline/oidc-step-up.guard';
import { AccountPages, Page } from './account-pages.service';

/** The step-up of a session's identity level at the OpenID provider (BundID, eID) and the return from it. */
@ApiExcludeController()
@Controller('konto')
export class StepUpPagesController {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly sessions: CitizenSessions,
    private readonly stepUp: IdentityStepUp,
    private readonly views: AccountPages,
  ) {}

  /**
   * Starts the step-up: `?level=substantial|high&next=/path`. Needs a login (the state of the
   * flow lives in the session); a session at the level already goes straight on to `next`.
   */
  @Get('identitaet')
  @UseGuards(StepUpStartGuard)
  async identity(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @StepUp() start: StepUpStart,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    switch (start.kind) {
      case 'login':
        return this.views.after(reply, loginPath(stepUpPath(start.level, start.next)));
      case 'met':
        return this.views.after(reply, start.next);
      case 'none':
        return this.views.notice(
          page,
          503,
          'warning',
          'account.stepUp.none.title',
          [page.t('account.stepUp.none.text')],
          [{ url: '/konto', text: page.t('account.toAccount') }],
        );
      case 'provider':
        return this.views.after(reply, start.url);
      case 'error':
        return this.providerDown(page, start.error);
    }
  }

  /** The return from the provider: a top-level GET from its site, which the Lax session cookie survives. */
  @Get('identitaet/callback')
  @UseGuards(StepUpCallbackGuard)
  async identityCallback(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @StepUp() back: StepUpReturn,
  ): Promise<string | undefined> {
    const page = await this.views.page(request, reply);
    if (back.kind === 'login') {
      return this.views.notice(
        page,
        401,
        'danger',
        'account.stepUp.failed.title',
        [page.t('account.stepUp.login')],
        [{ url: '/konto/anmelden', text: page.t('account.toLogin') }],
      );
    }
    try {
      if (back.kind === 'error') throw back.error;
      const result = await this.stepUp.complete(back.session, back.flow, back.claims);
      const session = await this.sessions.citizenSession(result.sessionId, page.tenant);
      if (session) this.auth.startCitizenSession(request, reply, session);
      return this.views.after(reply, result.next);
    } catch (error) {
      if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.StepUpFailed) {
        return this.providerDown(page, error);
      }
      return this.views.notice(
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
  private providerDown(page: Page, error: unknown): string {
    if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.IdentityProviderUnavailable) throw error;
    return this.views.notice(
      page,
      503,
      'warning',
      'account.stepUp.failed.title',
      [page.t(`errors.${error.code}`)],
      [{ url: '/konto', text: page.t('account.toAccount') }],
    );
  }
}
