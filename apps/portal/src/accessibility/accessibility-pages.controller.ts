import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BarrierReports } from '@openrathaus/backoffice';
import { bodyFields } from '@openrathaus/identity';
import { CitizenAuth, requireTenant } from '../http/citizen-auth';
import { PageContext, redirectAfterPost } from '../http/page-context.service';
import { AccessibilityPages } from './accessibility-pages.service';

/**
 * BITV 2.0 on every tenant's portal: the accessibility statement (Erklärung zur Barrierefreiheit)
 * and its feedback form, which reaches the office by e-mail and its back office. Without JavaScript;
 * personal pages (the form carries a token), never cached.
 */
@ApiExcludeController()
@Controller('barrierefreiheit')
export class AccessibilityPagesController {
  constructor(
    private readonly views: AccessibilityPages,
    private readonly reports: BarrierReports,
    private readonly auth: CitizenAuth,
    private readonly pages: PageContext,
  ) {}

  @Get()
  statement(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const sent = (request.query as Record<string, unknown> | undefined)?.gemeldet === '1';
    return this.views.render(request, reply, { sent });
  }

  @Post()
  async report(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const tenant = requireTenant(request);
    const values = bodyFields(body);
    try {
      this.auth.checkCsrf(request, await this.auth.citizenOf(request), body);
      await this.reports.report(tenant, values, this.pages.locale(request, reply, tenant));
    } catch (error) {
      return this.views.render(request, reply, { error, values });
    }
    return redirectAfterPost(reply, '/barrierefreiheit?gemeldet=1#gemeldet');
  }
}
