import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Deliveries, DeliveryRow } from '@openrathaus/delivery';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';

class HandoffView {
  @ApiProperty({ description: 'the hand-off id, sent as webhook-id; the same on every attempt' }) id: string;
  @ApiProperty() applicationId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) number: string | null;
  @ApiProperty({ description: 'the target id of tenant.yaml, or `email`' }) target: string;
  @ApiProperty({ enum: ['email', 'webhook', 'fit-connect'] }) kind: string;
  @ApiProperty({ enum: ['pending', 'sending', 'retrying', 'awaiting_ack', 'delivered', 'rejected', 'dead'] })
  status: string;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ description: 'when it is tried next (retrying) or was last due' }) nextAttemptAt: string;
  @ApiProperty() updatedAt: string;
}

class HandoffList {
  @ApiProperty({ type: [HandoffView] }) items: HandoffView[];
}

/** A hand-off as the API shows it. */
export const handoffView = (row: DeliveryRow & { number?: string | null }): HandoffView => ({
  id: row.id,
  applicationId: row.applicationId,
  number: row.number ?? null,
  target: row.target,
  kind: row.kind,
  status: row.status,
  attempts: row.attempts,
  lastError: row.lastError,
  nextAttemptAt: new Date(row.nextAttemptAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

/**
 * The tenant admin's view of hand-offs that did not go through: those being retried, the dead
 * letters and those a destination rejected, each with its last error; one can be sent again.
 */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@Controller('api/v1/backoffice/handoffs')
@UseGuards(TenantGuard, StaffGuard)
@Roles('tenant-admin')
export class HandoffsController {
  constructor(private readonly deliveries: Deliveries) {}

  @Get()
  @ApiOperation({ summary: 'Hand-offs being retried, dead letters and rejected ones, newest change first' })
  @ApiOkResponse({ type: HandoffList })
  @ApiErrors(401, 403)
  async list(@CurrentTenant() tenant: Tenant): Promise<HandoffList> {
    return { items: (await this.deliveries.failed(tenant)).map(handoffView) };
  }

  @Post(':id/resend')
  @HttpCode(200)
  @UseGuards(JsonWriteGuard)
  @ApiOperation({
    summary: 'Sends a failed hand-off again (same id, attempts from nought); 409 when it is on its way or through',
  })
  @ApiOkResponse({ type: HandoffView })
  @ApiErrors(401, 403, 404, 409)
  async resend(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
  ): Promise<HandoffView> {
    return handoffView(await this.deliveries.resend(tenant, id, staff.staffId));
  }
}
