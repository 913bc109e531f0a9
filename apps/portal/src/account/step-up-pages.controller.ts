import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CitizenSessions,
  IdentityError,
  IdentityErrorCode,
  IdentityStepUp,
  TRUST_LEVELS,
  isTrustLevel,
  meetsLevel,
} from '@openrathaus/identity';
import { CitizenAuth, localPath, loginPath, stepUpPath } from '../http/citizen-auth';
import { AccountPages, Page, first } from './account-pages.service';

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
  async identity(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.views.page(request, reply);
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
      return this.views.redirect(reply, loginPath(back));
    }
    if (meetsLevel(page.session.trustLevel, level)) return this.views.redirect(reply, next);
    if (!this.stepUp.configured) {
      return this.views.message(
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
      return this.views.redirect(reply, url);
    } catch (error) {
      return this.providerDown(page, error);
    }
  }

  /** The return from the provider: a top-level GET from its site, which the Lax session cookie survives. */
  @Get('identitaet/callback')
  async identityCallback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const page = await this.views.page(request, reply);
    if (!page.session) {
      return this.views.message(
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
      return this.views.redirect(reply, result.next);
    } catch (error) {
      if (!(error instanceof IdentityError) || error.code !== IdentityErrorCode.StepUpFailed) {
        return this.providerDown(page, error);
      }
      return this.views.message(
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
    return this.views.message(
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
}
