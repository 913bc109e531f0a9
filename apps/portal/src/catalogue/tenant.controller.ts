import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';

class BrandingView {
  @ApiProperty({ example: '#004b93' }) primaryColor: string;
  @ApiPropertyOptional() secondaryColor?: string;
  @ApiPropertyOptional({ description: 'URL of the logo' }) logoUrl?: string;
  @ApiPropertyOptional({ description: 'URL of the coat of arms' }) coatOfArmsUrl?: string;
}

class RegionView {
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
}

class TenantView {
  @ApiProperty({ example: 'gelsenkirchen' }) slug: string;
  @ApiProperty({ example: 'Stadt Gelsenkirchen' }) name: string;
  @ApiProperty({ enum: ['municipality', 'district', 'region'] }) kind: string;
  @ApiProperty({ nullable: true, example: '05513000', type: String }) ags: string | null;
  @ApiProperty({ example: ['de', 'en'] }) locales: string[];
  @ApiProperty({ type: BrandingView }) branding: BrandingView;
  @ApiProperty({ type: RegionView, nullable: true }) region: RegionView | null;
}

const assetUrl = (path: string | undefined): string | undefined =>
  path ? `/tenant-assets/${path.slice('assets/'.length)}` : undefined;

@ApiTags('tenant')
@ApiErrors(404)
@Controller('api/v1/tenant')
export class TenantController {
  constructor(private readonly registry: TenantRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The tenant of this host' })
  @ApiOkResponse({ type: TenantView })
  @UseGuards(TenantGuard)
  current(@CurrentTenant() tenant: Tenant): TenantView {
    const region = tenant.regionSlug ? this.registry.get(tenant.regionSlug) : undefined;
    const b = tenant.config.branding;
    return {
      slug: tenant.slug,
      name: tenant.name,
      kind: tenant.kind,
      ags: tenant.ags,
      locales: [...tenant.config.locales],
      branding: {
        primaryColor: b.primaryColor,
        secondaryColor: b.secondaryColor,
        logoUrl: assetUrl(b.logo),
        coatOfArmsUrl: assetUrl(b.coatOfArms),
      },
      region: region ? { slug: region.slug, name: region.name, url: this.registry.portalUrl(region) } : null,
    };
  }
}
