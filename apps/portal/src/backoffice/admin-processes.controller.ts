import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiCookieAuth } from '@nestjs/swagger';
import { stringify } from 'yaml';
import {
  CatalogError,
  CatalogErrorCode,
  DefinitionChange,
  DefinitionPublisher,
  PublishResult,
  UsageRow,
} from '@openrathaus/catalog';
import { nestingDepth } from '@openrathaus/core';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { CurrentTenant } from '../http/pipeline/tenant.guard';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';

class PublishBody {
  @ApiPropertyOptional({ description: 'the definition as YAML text' }) source?: string;
  @ApiPropertyOptional({
    description: 'or the definition as a JSON object',
    type: 'object',
    additionalProperties: true,
  })
  definition?: Record<string, unknown>;
}

class PublishView {
  @ApiProperty({ example: 'gelsenkirchen/bewohnerparkausweis' }) ref: string;
  @ApiProperty({ example: '1.3.0' }) version: string;
  @ApiProperty({ description: 'false when exactly this content was published before' }) published: boolean;
  @ApiProperty({ description: 'tenants now serving this version', type: [String] }) adopters: string[];
}

class UsageView {
  @ApiProperty() tenant: string;
  @ApiProperty() name: string;
  @ApiProperty() version: string;
  @ApiProperty() range: string;
}

class ChangeView {
  @ApiProperty({
    enum: ['metadata', 'parameters', 'pages', 'fields', 'codeLists', 'steps', 'fees', 'documents', 'messages'],
  })
  area: string;
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['added', 'removed', 'changed'] }) change: string;
  @ApiPropertyOptional({ type: [String] }) properties?: string[];
}

class VersionView {
  @ApiProperty() version: string;
  @ApiProperty({ enum: ['shared', 'private'] }) visibility: string;
  @ApiProperty() publishedAt: string;
}

const SEMVER = /^\d+\.\d+\.\d+$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A city's tenant admin publishes its definitions and sees who uses which version and what
 * changed, with the same rules as the command line. Everything runs as the admin's tenant.
 */
@ApiTags('tenant-admin')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404, 415, 422)
@Controller('api/v1/admin/processes')
@UseGuards(JsonWriteGuard, StaffGuard)
@Roles('tenant-admin')
export class AdminProcessesController {
  constructor(private readonly publisher: DefinitionPublisher) {}

  @Post()
  @ApiOperation({ summary: 'Publish a version of one of this tenant’s definitions (role tenant-admin)' })
  @ApiBody({ type: PublishBody })
  @ApiOkResponse({ type: PublishView })
  async publish(
    @CurrentTenant() tenant: Tenant,
    @Staff() session: StaffSession,
    @Body() body: PublishBody | undefined,
  ): Promise<PublishResult> {
    const definition = body?.definition;
    if (definition !== undefined && (typeof definition !== 'object' || nestingDepth(definition, 40) > 40)) {
      throw new CatalogError(CatalogErrorCode.InvalidDefinition, {}, [{ field: 'definition', key: 'invalid' }]);
    }
    const source = typeof body?.source === 'string' ? body.source : definition ? stringify(definition) : undefined;
    if (source === undefined) {
      throw new CatalogError(CatalogErrorCode.InvalidDefinition, {}, [{ field: 'source', key: 'required' }]);
    }
    return this.publisher.publish(
      { id: tenant.id, slug: tenant.slug },
      source,
      { file: 'api' },
      `staff:${session.email}`,
    );
  }

  @Get(':owner/:key/versions')
  @ApiOperation({ summary: 'Published versions of owner/key visible to this tenant' })
  @ApiOkResponse({ type: [VersionView] })
  async versions(@CurrentTenant() tenant: Tenant, @Param('owner') owner: string, @Param('key') key: string) {
    checkRef(owner, key);
    return this.publisher.versions(tenant.id, owner, key);
  }

  @Get(':owner/:key/usage')
  @ApiOperation({ summary: 'Which tenants use which version of owner/key' })
  @ApiOkResponse({ type: [UsageView] })
  async usage(
    @CurrentTenant() tenant: Tenant,
    @Param('owner') owner: string,
    @Param('key') key: string,
  ): Promise<UsageRow[]> {
    checkRef(owner, key);
    return this.publisher.usage(tenant.id, `${owner}/${key}`);
  }

  @Get(':owner/:key/diff')
  @ApiOperation({ summary: 'What changed between two versions (?from=1.1.0&to=1.2.0)' })
  @ApiOkResponse({ type: [ChangeView] })
  async diff(
    @CurrentTenant() tenant: Tenant,
    @Param('owner') owner: string,
    @Param('key') key: string,
    @Query('from') from?: unknown,
    @Query('to') to?: unknown,
  ): Promise<DefinitionChange[]> {
    checkRef(owner, key);
    const faults = [
      ...(typeof from === 'string' && SEMVER.test(from) ? [] : [{ field: 'from', key: 'semver' }]),
      ...(typeof to === 'string' && SEMVER.test(to) ? [] : [{ field: 'to', key: 'semver' }]),
    ];
    if (faults.length) throw new CatalogError(CatalogErrorCode.InvalidQuery, {}, faults);
    return this.publisher.diff(tenant.id, `${owner}/${key}@${String(from)}`, `${owner}/${key}@${String(to)}`);
  }
}

/** Owner and key name a definition only as slugs; anything else is no definition (404 naming the part). */
function checkRef(owner: string, key: string): void {
  const ref = { owner, key };
  const faults = (['owner', 'key'] as const)
    .filter((name) => !SLUG.test(ref[name]))
    .map((field) => ({ field, key: 'unknown' }));
  if (faults.length) throw new CatalogError(CatalogErrorCode.UnknownDefinition, { ref: `${owner}/${key}` }, faults);
}
