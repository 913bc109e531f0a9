import { Controller, Get, Header, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Health, HealthReport, Metrics } from '@openrathaus/observability';

class CheckView {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ example: 'redis' }) kind?: string;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ description: 'how long the check took' }) ms: number;
}

class HealthView {
  @ApiProperty({ enum: ['ok', 'down'] }) status: 'ok' | 'down';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CheckView) },
    example: { database: { status: 'up', ms: 2 }, queue: { status: 'up', kind: 'redis', ms: 1 } },
  })
  checks: Record<string, CheckView>;
}

@ApiTags('operations')
@ApiExtraModels(CheckView)
@Controller()
export class OpsController {
  constructor(
    private readonly health: Health,
    private readonly metrics: Metrics,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'State of PostgreSQL and of the queue store; 503 when one is down' })
  @ApiOkResponse({ type: HealthView })
  @ApiResponse({ status: 503, description: 'PostgreSQL or the queue store is down', type: HealthView })
  @Header('cache-control', 'no-store')
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.check();
    // The status follows the report; Nest sends the report.
    void reply.code(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'With `Authorization: Bearer <METRICS_TOKEN>` on any host, on `METRICS_PORT`, or on localhost in development.',
  })
  @ApiBearerAuth('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  @ApiResponse({
    status: 404,
    description: 'without the token, on a tenant’s or an unknown host',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    // The registry names its format (and version) itself.
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.render();
  }
}
