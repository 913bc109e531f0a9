import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsOptional, IsString } from 'class-validator';
import { localized } from '@openrathaus/i18n';
import {
  RegionCatalogue,
  RegionMember,
  RegionService,
  RegionStatistics,
  offerFor,
  regionRange,
} from '@openrathaus/region';
import { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { PageContext } from '../http/page-context.service';
import { CurrentTenant } from '../http/pipeline/tenant.guard';
import { RegionGuard } from './region.guard';

export class RegionOfferView {
  @ApiProperty({ example: 'gelsenkirchen' }) slug: string;
  @ApiProperty({ enum: ['online', 'link'] }) type: 'online' | 'link';
  @ApiProperty({ example: 'https://serviceportal.gelsenkirchen.de/leistungen/hundesteuer' }) url: string;
}

/** A service of the union catalogue. */
export class RegionServiceView {
  @ApiProperty({ example: 'hundesteuer' }) key: string;
  @ApiProperty({ example: 'Hundesteuer: Anmeldung' }) title: string;
  @ApiProperty({ type: [RegionOfferView], description: 'the members that offer it themselves' })
  members: RegionOfferView[];
  @ApiProperty({ type: [String], description: 'towns for which their district offers it' })
  viaDistrict: string[];
  @ApiProperty({ type: [String], description: 'members that offer it neither themselves nor through their district' })
  notOffered: string[];
}

class ResponsibleView {
  @ApiProperty({ example: 'kreis-recklinghausen', description: 'the member whose page it is' }) slug: string;
  @ApiProperty({ example: 'Kreis Recklinghausen' }) name: string;
  @ApiProperty({ description: 'the service page on the member’s own domain (its portal when it does not offer it)' })
  url: string;
  @ApiProperty({ enum: ['online', 'link', 'district', 'none'] }) type: string;
  @ApiProperty({ example: 'marl', description: 'the town the answer is for' }) town: string;
}

class ResponsibleAnswerView {
  @ApiProperty() service: { key: string; title: string };
  @ApiProperty({ description: 'true when the postal code belongs to several towns: one member per town' })
  ambiguous: boolean;
  @ApiProperty({ type: [ResponsibleView] }) members: ResponsibleView[];
}

class FiguresView {
  @ApiProperty() submitted: number;
  @ApiProperty({ description: 'completed online, without paper' }) completed: number;
  @ApiProperty({ description: 'completed / submitted, 0..1' }) onlineShare: number;
}

class MonthFiguresView extends FiguresView {
  @ApiProperty({ example: '2026-03' }) month: string;
}

class ServiceFiguresView extends FiguresView {
  @ApiProperty({ example: 'gewerbeanzeige' }) key: string;
}

class MemberFiguresView extends FiguresView {
  @ApiProperty({ example: 'marl' }) slug: string;
  @ApiProperty({ example: 'Marl' }) name: string;
}

class RangeView {
  @ApiProperty({ example: '2026-01' }) from: string;
  @ApiProperty({ example: '2026-12' }) to: string;
}

/** The region's statistics: sums over its members, nothing about an application or a person. */
class RegionStatisticsView {
  @ApiProperty({ type: RangeView }) range: RangeView;
  @ApiProperty({ type: [MonthFiguresView] }) months: MonthFiguresView[];
  @ApiProperty({ type: [ServiceFiguresView] }) services: ServiceFiguresView[];
  @ApiProperty({ type: [MemberFiguresView] }) members: MemberFiguresView[];
  @ApiProperty({ type: FiguresView }) total: FiguresView;
}

export class RegionServicesQuery {
  @ApiPropertyOptional({ description: 'search words, e.g. "Hund"' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  q?: string;

  @IsOptional()
  @IsString({ context: { key: 'single' } })
  lebenslage?: string;
}

class ResponsibleQueryDto {
  @ApiPropertyOptional({ example: '45768', description: 'a postal code of the region (or `town`)' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  postalCode?: string;

  @ApiPropertyOptional({ example: 'marl', description: 'a town of the region by its slug (or `postalCode`)' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  town?: string;

  @ApiProperty({ example: 'fahrdienst', description: 'the service key' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  service?: string;
}

class StatisticsQuery {
  @ApiPropertyOptional({ example: '2026-01', description: 'first month (YYYY-MM); twelve months back by default' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'last month (YYYY-MM), counted whole' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  to?: string;
}

/** The region's JSON on its host: the union of the members' services, who is responsible, the sums. */
@ApiTags('region')
@ApiErrors(400, 404, 422)
@UseGuards(RegionGuard)
@Controller('api/v1')
export class RegionApiController {
  constructor(
    private readonly catalogue: RegionCatalogue,
    private readonly statistics: RegionStatistics,
    private readonly pages: PageContext,
  ) {}

  @Get('responsible')
  @ApiOperation({ summary: 'The member(s) responsible for a service, by postal code or town (region host only)' })
  @ApiOkResponse({ type: ResponsibleAnswerView })
  async responsible(
    @CurrentTenant() region: Tenant,
    @Query() query: ResponsibleQueryDto,
    @Req() request: FastifyRequest,
  ): Promise<ResponsibleAnswerView> {
    const locale = this.pages.locale(request, undefined, region);
    const answer = await this.catalogue.responsible(region, query);
    return {
      service: { key: answer.service.key, title: localized(answer.service.title, locale) },
      ambiguous: answer.ambiguous,
      members: answer.members.map((m) => ({ slug: m.slug, name: m.name, url: m.url, type: m.type, town: m.town })),
    };
  }

  @Get('region/statistics')
  @ApiOperation({ summary: 'Applications per month, service and member, summed over the members: no personal data' })
  @ApiOkResponse({ type: RegionStatisticsView })
  async regionStatistics(
    @CurrentTenant() region: Tenant,
    @Query() query: StatisticsQuery,
  ): Promise<RegionStatisticsView> {
    return this.statistics.of(region, regionRange(query.from, query.to));
  }
}

/** The union catalogue as JSON: what `GET /api/v1/services?q=` answers on a region's host. */
export async function regionServices(
  catalogue: RegionCatalogue,
  region: Tenant,
  locale: string,
  query: RegionServicesQuery,
): Promise<RegionServiceView[]> {
  const members = catalogue.members(region);
  let services = await catalogue.search(region, query.q ?? '', locale);
  if (query.lebenslage) {
    const inLage = new Set((await catalogue.byLage(region, query.lebenslage, locale)).map((s) => s.key));
    services = services.filter((s) => inLage.has(s.key));
  }
  return services.map((s) => serviceView(s, members, locale));
}

const serviceView = (s: RegionService, members: RegionMember[], locale: string): RegionServiceView => ({
  key: s.key,
  title: localized(s.title, locale),
  members: s.offers.map((o) => ({ slug: o.slug, type: o.type, url: o.url })),
  viaDistrict: members.filter((m) => offerFor(s, m).type === 'district').map((m) => m.slug),
  notOffered: members.filter((m) => offerFor(s, m).type === 'none').map((m) => m.slug),
});
