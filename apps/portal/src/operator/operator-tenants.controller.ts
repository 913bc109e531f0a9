import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Onboarded, OperatorSession, TenantConsole, TenantDetail, TenantOverview } from '@openrathaus/operations';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PageContext } from '../http/page-context.service';
import { CurrentOperator, OperatorGuard } from './operator.guard';

class TenantItem {
  @ApiProperty({ example: 'gelsenkirchen' }) slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['municipality', 'district', 'region'] }) kind: string;
  @ApiProperty({ enum: ['pilot', 'live', 'suspended', 'stopped'] }) status: string;
  @ApiProperty({ type: [String] }) domains: string[];
  @ApiProperty({ nullable: true, type: String }) region: string | null;
  @ApiProperty() revision: number;
  @ApiProperty({ description: 'services offered, online and by link' }) services: number;
  @ApiProperty() servicesOnline: number;
  @ApiProperty() servicesLink: number;
  @ApiProperty({ description: 'applications submitted in the last 30 days' }) applications30d: number;
  @ApiProperty({ description: 'failed answers (5xx) in the last 24 hours, on any instance' }) errors24h: number;
  @ApiProperty({ description: "when the tenant's row was last written" }) lastSync: string;
  @ApiProperty({ enum: ['files', 'console'] }) source: string;
  @ApiPropertyOptional({ nullable: true }) suspension: { message: string; since: string } | null;
}

class NewTenant {
  @ApiProperty({ example: 'neustadt' }) slug: string;
  @ApiProperty({ example: 'Stadt Neustadt' }) name: string;
  @ApiProperty({ example: '05562099' }) ags: string;
  @ApiPropertyOptional({ example: 'emscher-lippe' }) region?: string;
  @ApiPropertyOptional({ type: [String], example: ['serviceportal.neustadt.de'] }) domains?: string[];
  @ApiPropertyOptional({ example: { primaryColor: '#1d4f91' } }) branding?: { primaryColor: string };
  @ApiProperty({ example: 'admin@neustadt.de', description: 'the first tenant admin; gets a one-time password' })
  adminEmail: string;
}

class OnboardedView {
  @ApiProperty() id: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: [String] }) domains: string[];
  @ApiProperty({ description: 'services adopted (the link services of Bund and Land come on top)' }) services: number;
  @ApiProperty({ description: 'the first tenant admin and the one-time password, shown once' })
  admin: { email: string; password: string };
}

class SuspendBody {
  @ApiProperty({ example: 'Wegen Wartungsarbeiten bis 14 Uhr nicht erreichbar.' }) message: string;
}

/** The tenants as the operator console's API: list, details, onboarding, suspension, export. */
@ApiTags('operator')
@ApiCookieAuth('operator')
@ApiErrors(400, 401, 403, 404, 415, 422)
@Controller('api/v1/operator/tenants')
@UseGuards(OperatorGuard, JsonWriteGuard)
export class OperatorTenantsController {
  constructor(
    private readonly tenants: TenantConsole,
    private readonly pages: PageContext,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every tenant with status, domains, services, applications (30 days) and errors (24 hours)',
  })
  @ApiOkResponse({ type: [TenantItem] })
  list(): Promise<TenantOverview[]> {
    return this.tenants.list();
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Onboards a tenant from the fields of tenant.yaml (missing ones take defaults) and adminEmail; 422 names ' +
      'each faulty field with the messages of tenant files',
  })
  @ApiBody({ type: NewTenant })
  @ApiCreatedResponse({ type: OnboardedView })
  onboard(
    @Body() body: unknown,
    @CurrentOperator() operator: OperatorSession,
    @Req() request: FastifyRequest,
  ): Promise<Onboarded> {
    return this.tenants.onboard(body, operator, this.pages.locale(request, undefined, undefined));
  }

  @Get(':slug')
  @ApiOperation({ summary: "A tenant's configuration, services with versions, staff accounts and audit trail" })
  @ApiOkResponse({ description: 'the tenant in detail', schema: { type: 'object' } })
  detail(@Param('slug') slug: string, @CurrentOperator() operator: OperatorSession): Promise<TenantDetail> {
    return this.tenants.detail(slug, operator);
  }

  @Get(':slug/tenant.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  @ApiOperation({ summary: "The tenant's configuration as a tenant.yaml" })
  @ApiProduces('application/yaml')
  @ApiOkResponse({ description: 'a tenant.yaml', schema: { type: 'string' } })
  export(@Param('slug') slug: string, @CurrentOperator() operator: OperatorSession): Promise<string> {
    return this.tenants.exportYaml(slug, operator);
  }

  @Post(':slug/suspend')
  @HttpCode(204)
  @ApiOperation({ summary: 'Suspends the tenant: its citizens see the message on a maintenance page (503)' })
  @ApiBody({ type: SuspendBody })
  async suspend(
    @Param('slug') slug: string,
    @Body() body: Partial<SuspendBody> | undefined,
    @CurrentOperator() operator: OperatorSession,
  ): Promise<void> {
    await this.tenants.suspend(slug, body?.message, operator);
  }

  @Post(':slug/resume')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the suspension' })
  async resume(@Param('slug') slug: string, @CurrentOperator() operator: OperatorSession): Promise<void> {
    await this.tenants.resume(slug, operator);
  }
}
