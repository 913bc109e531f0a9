import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperatorSession } from '@openrathaus/operations';
import { CurrentOperator, OperatorGuard } from './operator.guard';
import { OperatorPages } from './operator-pages.service';

/** The console's pages, on the operator host only, for operators only. */
@ApiExcludeController()
@Controller('konsole')
@UseGuards(OperatorGuard)
export class OperatorPagesController {
  constructor(private readonly pages: OperatorPages) {}

  @Get()
  tenants(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    const { t } = this.pages.page(request, reply);
    return this.pages.render(request, reply, 'operator-tenants', {
      title: t('operator.nav.tenants'),
      session,
      current: 'tenants',
    });
  }
}
