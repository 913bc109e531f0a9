import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  InstanceHealth,
  OperatorQueues,
  type OperatorSession,
  SupportLookup,
  UsageReport,
  currentMonth,
} from '@openrathaus/operations';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { CurrentOperator, OperatorGuard } from './operator.guard';

class QueueCountsView {
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty({ description: 'failed jobs that do not run again by themselves' }) failed: number;
  @ApiProperty({ description: 'of the failed, those that spent all their attempts' }) dead: number;
}

class TenantQueueView extends QueueCountsView {
  @ApiProperty({ example: 'recklinghausen' }) tenant: string;
}

class QueueView extends QueueCountsView {
  @ApiProperty({ example: 'mail' }) queue: string;
  @ApiProperty({ type: [TenantQueueView] }) tenants: TenantQueueView[];
  @ApiProperty({ description: 'the per-tenant figures come from the newest 1000 jobs of each state' })
  sampled: boolean;
}

class FailedJobView {
  @ApiProperty() queue: string;
  @ApiProperty() id: string;
  @ApiProperty({ example: 'mail.send' }) name: string;
  @ApiProperty({ nullable: true, type: String }) tenant: string | null;
  @ApiProperty() attemptsMade: number;
  @ApiProperty() attempts: number;
  @ApiProperty() dead: boolean;
  @ApiProperty({ description: 'the error of the last attempt' }) error: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) failedAt: Date | null;
}

class InstanceView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['portal', 'worker'] }) kind: string;
  @ApiProperty() host: string;
  @ApiProperty() pid: number;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ format: 'date-time' }) startedAt: Date;
  @ApiProperty({ format: 'date-time' }) lastSeen: Date;
  @ApiProperty({ description: 'no heartbeat for longer than `staleAfterSeconds`' }) stale: boolean;
  @ApiProperty() silentSeconds: number;
}

class InstancesView {
  @ApiProperty({ format: 'date-time' }) checkedAt: Date;
  @ApiProperty({ description: 'how often every instance reports' }) heartbeatSeconds: number;
  @ApiProperty() staleAfterSeconds: number;
  @ApiProperty({ type: [InstanceView] }) instances: InstanceView[];
}

class UsageRowView {
  @ApiProperty({ example: 'recklinghausen' }) tenant: string;
  @ApiProperty() name: string;
  @ApiProperty() kind: string;
  @ApiProperty({ description: 'applications submitted in the month' }) applications: number;
  @ApiProperty({ description: 'documents issued' }) documents: number;
  @ApiProperty({ description: 'e-mails sent' }) mails: number;
  @ApiProperty({ description: 'payments received' }) payments: number;
  @ApiProperty({ description: 'their sum in cents' }) paidCents: number;
  @ApiProperty({ description: 'bytes of the files uploaded' }) storageBytes: number;
}

class UsageView {
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty({ format: 'date-time' }) from: Date;
  @ApiProperty({ format: 'date-time', description: 'exclusive' }) to: Date;
  @ApiProperty({ type: [UsageRowView] }) tenants: UsageRowView[];
  @ApiProperty() totals: Record<string, number>;
}

class SupportBody {
  @ApiProperty({ example: 'RE-2026-000123' }) number: string;
  @ApiProperty({ description: 'why the operator looks (10 to 500 characters); kept in the tenant’s audit trail' })
  reason: string;
}

class SupportHistoryView {
  @ApiProperty({ format: 'date-time' }) at: Date;
  @ApiProperty({ example: 'application.status' }) action: string;
  @ApiProperty({ nullable: true, type: String }) actor: string | null;
  @ApiPropertyOptional() from?: string;
  @ApiPropertyOptional() to?: string;
}

class SupportCaseView {
  @ApiProperty() tenant: string;
  @ApiProperty() tenantName: string;
  @ApiProperty() id: string;
  @ApiProperty() number: string;
  @ApiProperty() serviceKey: string;
  @ApiProperty() definition: string;
  @ApiProperty() status: string;
  @ApiProperty({ nullable: true, type: String }) office: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) submittedAt: Date | null;
  @ApiProperty({ format: 'date-time' }) statusChangedAt: Date;
  @ApiProperty() anonymised: boolean;
  @ApiProperty({ type: [SupportHistoryView] }) history: SupportHistoryView[];
}

/**
 * The console's monitoring for scripts: the queues (retry and discard audited), the instances'
 * heartbeats, usage per tenant and month (JSON or CSV), support's search by application number.
 */
@ApiTags('operator')
@ApiCookieAuth('operator')
@ApiErrors(401, 403, 404)
@Controller('api/v1/operator')
@UseGuards(OperatorGuard)
export class OperatorMonitoringController {
  constructor(
    private readonly queues: OperatorQueues,
    private readonly health: InstanceHealth,
    private readonly usage: UsageReport,
    private readonly support: SupportLookup,
  ) {}

  @Get('queues')
  @ApiOperation({ summary: 'Per queue (and per tenant) the waiting, active, delayed, failed and dead jobs' })
  @ApiOkResponse({ type: [QueueView] })
  overview() {
    return this.queues.overview();
  }

  @Get('queues/:queue/failed')
  @ApiOperation({ summary: 'The newest failed jobs of a queue with their errors' })
  @ApiQuery({ name: 'tenant', required: false, description: 'only this tenant’s (slug)' })
  @ApiOkResponse({ type: [FailedJobView] })
  @ApiErrors(422)
  failed(@Param('queue') queue: string, @Query('tenant') tenant?: unknown) {
    return this.queues.failed(queue, typeof tenant === 'string' && tenant ? tenant : undefined);
  }

  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(204)
  @UseGuards(JsonWriteGuard)
  @ApiOperation({ summary: 'Runs a failed job again (audited in its tenant’s trail)' })
  @ApiNoContentResponse({ description: 'the job waits to run again' })
  @ApiErrors(409, 422)
  async retry(@CurrentOperator() operator: OperatorSession, @Param('queue') queue: string, @Param('id') id: string) {
    await this.queues.retry(operator, queue, id);
  }

  @Post('queues/:queue/jobs/:id/discard')
  @HttpCode(204)
  @UseGuards(JsonWriteGuard)
  @ApiOperation({ summary: 'Removes a failed job for good (audited in its tenant’s trail)' })
  @ApiNoContentResponse({ description: 'the job is gone' })
  @ApiErrors(409, 422)
  async discard(@CurrentOperator() operator: OperatorSession, @Param('queue') queue: string, @Param('id') id: string) {
    await this.queues.discard(operator, queue, id);
  }

  @Get('instances')
  @ApiOperation({ summary: 'Every portal and worker instance with version, start and last heartbeat' })
  @ApiOkResponse({ type: InstancesView })
  instances() {
    return this.health.list();
  }

  @Get('usage')
  @ApiOperation({
    summary: 'Per tenant: applications, documents, mails, payments and storage of a month',
    description: 'With `Accept: text/csv` one CSV line per tenant, for billing.',
  })
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM (Europe/Berlin); default: this month' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: UsageView })
  @ApiErrors(422)
  async usageOf(
    @CurrentOperator() operator: OperatorSession,
    @Query('month') month: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const wanted = month === undefined ? currentMonth() : month;
    if (!(request.headers.accept ?? '').includes('text/csv')) return this.usage.month(wanted);
    const exported = await this.usage.export(operator, wanted);
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="nutzung-${exported.month}.csv"`);
    return exported.csv;
  }

  @Post('support/search')
  @HttpCode(200)
  @UseGuards(JsonWriteGuard)
  @ApiOperation({
    summary: 'Finds an application by its number across tenants',
    description: 'The reason goes into the audit trail of each tenant where it is found. Status and history only.',
  })
  @ApiOkResponse({ type: [SupportCaseView] })
  @ApiErrors(422)
  search(@CurrentOperator() operator: OperatorSession, @Body() body: Partial<SupportBody> | undefined) {
    return this.support.find(operator, { number: body?.number, reason: body?.reason });
  }
}
