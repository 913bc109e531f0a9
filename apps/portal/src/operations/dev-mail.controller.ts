import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, CoreError, CoreErrorCode } from '@openrathaus/core';
import { CapturedMail, CapturedMails } from '@openrathaus/messaging';
import { stateOf } from '../http/request-state';

/**
 * Development only: the e-mails captured instead of sent (no `SMTP_URL`), newest first. Answers
 * on `localhost` (the portal list's host) outside production; everywhere else it does not exist.
 */
@ApiExcludeController()
@Controller('_dev/mail')
export class DevMailController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly captured: CapturedMails,
  ) {}

  @Get()
  @Header('cache-control', 'no-store')
  list(@Req() request: FastifyRequest, @Query('to') to?: unknown): Promise<CapturedMail[]> {
    const onLocalhost = stateOf(request)?.match?.kind === 'root';
    if (this.config.env === 'production' || !this.config.devHosts || !onLocalhost) {
      throw new CoreError(CoreErrorCode.NotFound);
    }
    // The contract's fields (to, subject, text, html, sentAt), and from and attachments besides.
    return this.captured.list({ to: typeof to === 'string' && to ? to : undefined });
  }
}
