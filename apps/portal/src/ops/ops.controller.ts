import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Health, Metrics } from '@openrathaus/observability';

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly health: Health,
    private readonly metrics: Metrics,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'State of PostgreSQL and of the queue store; 503 when one is down' })
  async check(@Res() reply: FastifyReply): Promise<FastifyReply> {
    const report = await this.health.check();
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async scrape(@Res() reply: FastifyReply): Promise<FastifyReply> {
    return reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.render());
  }
}
