import { Controller, Get, Header, Param, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Deliveries } from '@openrathaus/delivery';
import type { Tenant } from '@openrathaus/tenancy';
import { asDownload } from '../backoffice/caseworker';
import { ApiErrors } from '../http/api-errors.decorator';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';

/**
 * The files of a hand-off for the receiving software, behind the signed, expiring links that a
 * webhook carries: the application's PDF summary and the citizen's files, as downloads only.
 */
@ApiTags('delivery')
@Controller('api/v1/deliveries')
@UseGuards(TenantGuard)
export class HandoffFilesController {
  constructor(private readonly deliveries: Deliveries) {}

  @Get(':handoffId/files/:fileId')
  @ApiOperation({ summary: 'A file of a hand-off, by the signed link the webhook carried (valid 72 hours)' })
  @ApiQuery({ name: 'expires', description: 'Unix time the link ends' })
  @ApiQuery({ name: 'signature', description: 'the platform’s signature of the link' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, as a download', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404)
  @Header('cache-control', 'private, no-store')
  @Header('content-security-policy', "sandbox; default-src 'none'")
  async file(
    @CurrentTenant() tenant: Tenant,
    @Param('handoffId') handoffId: string,
    @Param('fileId') fileId: string,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
  ): Promise<StreamableFile> {
    return asDownload(
      await this.deliveries.linkedFile(
        tenant,
        handoffId,
        fileId,
        typeof expires === 'string' ? expires : undefined,
        typeof signature === 'string' ? signature : undefined,
      ),
    );
  }
}
