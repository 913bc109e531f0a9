import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IsOptional, IsString } from 'class-validator';
import { CatalogEntry, CatalogService, catalogData, searchWords } from '@openrathaus/catalog';
import { localized } from '@openrathaus/i18n';
import type { FormDefinition } from '@openrathaus/forms';
import { TenancyError, TenancyErrorCode, Tenant } from '@openrathaus/tenancy';
import { RegionCatalogue } from '@openrathaus/region';
import { PageCache } from '@openrathaus/web';
import { ApiErrors } from '../http/api-errors.decorator';
import { cachedAnswer, pageCacheKey, sendPage } from '../http/cached-page';
import { tenantOf } from '../http/request-state';
import { PageContext } from '../http/page-context.service';
import { RegionServiceView, regionServices } from '../region/region-api.controller';

class DefinitionRefView {
  @ApiProperty({ example: 'gelsenkirchen' }) owner: string;
  @ApiProperty({ example: 'Gelsenkirchen' }) ownerName: string;
  @ApiProperty({ example: 'bewohnerparkausweis' }) key: string;
  @ApiProperty({ example: '1.2.0', description: 'the exact version this tenant serves' }) version: string;
  @ApiProperty({ example: '^1.2', description: 'the range the tenant adopted' }) range: string;
}

class ServiceSummaryView {
  @ApiProperty({ example: 'bewohnerparkausweis' }) key: string;
  @ApiProperty({ example: 'Bewohnerparkausweis' }) title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ example: ['kfz-besitz'] }) lebenslagen: string[];
  @ApiProperty({ enum: ['online', 'link'] }) type: 'online' | 'link';
  @ApiProperty({ type: DefinitionRefView, nullable: true }) definition: DefinitionRefView | null;
  @ApiPropertyOptional({ description: 'link services: the offering of Land or Bund' }) url?: string;
  @ApiPropertyOptional({ enum: ['bund', 'land'] }) provider?: string;
}

class FeeLineView {
  @ApiProperty() id: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'whole cents' }) cents: number;
}

class FeeView {
  @ApiProperty({ description: 'whole cents, after the tenant’s parameters, answers at their defaults' })
  totalCents: number;
  @ApiProperty({ type: [FeeLineView] }) lines: FeeLineView[];
  @ApiProperty({ type: [FeeLineView], description: 'lines that other answers would add' })
  conditional: FeeLineView[];
  @ApiProperty({ description: 'some amount depends on the answers (e.g. number of copies)' })
  dependsOnAnswers: boolean;
}

class OfficeView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() address: { name?: string; street: string; postalCode: string; city: string };
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() website?: string;
  @ApiPropertyOptional() openingHours?: string;
}

@ApiExtraModels(FeeView, OfficeView)
class ServiceView extends ServiceSummaryView {
  @ApiPropertyOptional({ description: 'with the tenant’s parameters filled in' }) description?: string;
  @ApiPropertyOptional({ type: FeeView }) fee?: FeeView;
  @ApiPropertyOptional({ type: OfficeView }) office?: OfficeView;
  @ApiPropertyOptional({ enum: ['basic', 'substantial', 'high'] }) trustLevel?: string;
  @ApiProperty({ type: [String] }) requiredDocuments: string[];
  @ApiPropertyOptional() processingTime?: string;
  @ApiProperty() legalBasis: { title: string; url?: string }[];
  @ApiPropertyOptional({ description: 'parameters as this tenant set them (money in cents)' })
  parameters?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'the form of the exact version this tenant serves (see docs/process-definitions.md)',
    type: 'object',
    additionalProperties: true,
  })
  form?: FormDefinition;
}

class LageView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['lebenslage', 'unternehmenslage'] }) kind: string;
  @ApiProperty() title: string;
  @ApiProperty() themenfelder: string[];
}

class ThemenfeldView {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [LageView] }) lagen: LageView[];
}

/** The list's query: each parameter at most once, as text (a repeated one arrives as a list). */
class ServicesQuery {
  @ApiPropertyOptional({ description: 'search words, e.g. "Parkausweis"' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  q?: string;

  @ApiPropertyOptional({ description: 'a Lebenslage, Unternehmenslage or Themenfeld id' })
  @IsOptional()
  @IsString({ context: { key: 'single' } })
  lebenslage?: string;
}

/** A query parameter's words without control characters; nothing for none. */
const words = (value: string | undefined): string | undefined => (value ? searchWords(value) || undefined : undefined);

/** The tenant's services as JSON: list, search, Lebenslagen, one service with its form and fee. */
@ApiTags('services')
@ApiErrors(400, 404)
@Controller('api/v1')
export class ServicesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly pages: PageContext,
    private readonly cache: PageCache,
    private readonly region: RegionCatalogue,
  ) {}

  @Get('services')
  @ApiOperation({
    summary:
      'The services this tenant offers; `q` searches (German full text), `lebenslage` filters. On a region’s ' +
      'host: the union of its members’ services, each once with the members that offer it (RegionServiceView)',
  })
  @ApiExtraModels(RegionServiceView)
  @ApiOkResponse({ type: [ServiceSummaryView] })
  async list(
    @Req() request: FastifyRequest,
    // The hot path: the cached JSON bytes with their ETag (or a 304) are written as they are.
    @Res() reply: FastifyReply,
    @Query() query: ServicesQuery,
  ): Promise<FastifyReply> {
    const { tenant, locale } = this.context(request);
    const q = words(query.q);
    const lage = words(query.lebenslage);
    const key = new URLSearchParams({ ...(lage ? { lebenslage: lage } : {}), ...(q ? { q } : {}) }).toString();
    if (tenant.kind === 'region') {
      // The region offers nothing itself: it answers the union of its members' catalogues. The
      // union without search words is kept like a member's list: a member's change drops the
      // region's cached answers too (TenantChangeListener).
      return this.sendJson(request, reply, tenant, locale, `/api/v1/services?${key}`, !q, () =>
        regionServices(this.region, tenant, locale, { q, lebenslage: lage }),
      );
    }
    // A search is kept by the catalogue itself; its words are anyone's, so its JSON is not kept here.
    return this.sendJson(request, reply, tenant, locale, `/api/v1/services?${key}`, !q, async () => {
      let services = q ? await this.catalog.search(tenant, q) : await this.catalog.list(tenant);
      if (lage) {
        const inLage = new Set((await this.catalog.byLage(tenant, lage)).map((s) => s.key));
        services = services.filter((s) => inLage.has(s.key));
      }
      return services.map((s) => this.summary(s, locale));
    });
  }

  @Get('services/:key')
  @ApiOperation({ summary: 'One service with its form and its fee after the tenant’s parameters' })
  @ApiOkResponse({ schema: { $ref: getSchemaPath(ServiceView) } })
  @ApiExtraModels(ServiceView)
  async one(
    @Req() request: FastifyRequest,
    // The hot path: the cached JSON bytes with their ETag (or a 304) are written as they are.
    @Res() reply: FastifyReply,
    @Param('key') key: string,
  ): Promise<FastifyReply> {
    const { tenant, locale } = this.context(request);
    // Unknown keys throw before anything is kept.
    const s = await this.catalog.get(tenant, key);
    return this.sendJson(request, reply, tenant, locale, `/api/v1/services/${s.key}`, true, () =>
      Promise.resolve(this.view(tenant, s, locale)),
    );
  }

  private view(tenant: Tenant, s: CatalogEntry, locale: string): ServiceView {
    const office = s.office;
    return {
      ...this.summary(s, locale),
      description: s.document ? this.catalog.describe(tenant, s, locale) : undefined,
      fee: s.fee && {
        totalCents: s.fee.totalCents,
        dependsOnAnswers: s.fee.dependsOnAnswers,
        lines: s.fee.lines.map((l) => ({ id: l.id, label: localized(l.label, locale), cents: l.cents })),
        conditional: s.fee.conditional.map((l) => ({ id: l.id, label: localized(l.label, locale), cents: l.cents })),
      },
      office: office && {
        id: office.id,
        name: office.name,
        address: office.address,
        phone: office.contact?.phone,
        email: office.contact?.email,
        website: office.contact?.website,
        openingHours: office.contact?.openingHours ? localized(office.contact.openingHours, locale) : undefined,
      },
      trustLevel: s.trustLevel,
      requiredDocuments: s.requiredDocuments.map((d) => localized(d, locale)),
      processingTime: s.processingTime ? localized(s.processingTime, locale) : undefined,
      legalBasis: s.legalBasis,
      parameters: s.type === 'online' ? s.parameters : undefined,
      form: s.document?.form,
    };
  }

  @Get('lebenslagen')
  @ApiOperation({ summary: 'The OZG Themenfelder with their Lebenslagen and Unternehmenslagen' })
  @ApiOkResponse({ type: [ThemenfeldView] })
  lagen(@Req() request: FastifyRequest): ThemenfeldView[] {
    const { locale } = this.context(request);
    const data = catalogData();
    return data.themenfelder.map((t) => ({
      id: t.id,
      title: localized(t.title, locale),
      lagen: data.lagen
        .filter((l) => l.themenfelder.includes(t.id))
        .map((l) => ({ id: l.id, kind: l.kind, title: localized(l.title, locale), themenfelder: l.themenfelder })),
    }));
  }

  /**
   * Sends JSON that is the same for everybody until the tenant changes: built once per tenant
   * revision, language and address and kept in the page cache (bounded, dropped with the tenant),
   * with an ETag. Built per request where `keep` is false.
   */
  private async sendJson(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    locale: string,
    path: string,
    keep: boolean,
    build: () => Promise<unknown>,
  ): Promise<FastifyReply> {
    const tenantKey = pageCacheKey(tenant);
    let answer = keep ? this.cache.get(tenantKey, locale, path) : undefined;
    if (!answer) {
      answer = cachedAnswer(JSON.stringify(await build()));
      if (keep) this.cache.set(tenantKey, locale, path, answer);
    }
    return sendPage(request, reply, answer, 'application/json; charset=utf-8');
  }

  private context(request: FastifyRequest): { tenant: Tenant; locale: string } {
    const tenant = tenantOf(request);
    if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
    return { tenant, locale: this.pages.locale(request, undefined, tenant) };
  }

  private summary(s: CatalogEntry, locale: string): ServiceSummaryView {
    return {
      key: s.key,
      title: localized(s.title, locale),
      summary: localized(s.summary, locale),
      lebenslagen: s.lebenslagen,
      type: s.type,
      definition: s.definition
        ? {
            owner: s.definition.owner,
            ownerName: s.definition.ownerName,
            key: s.definition.key,
            version: s.definition.version,
            range: s.definition.range,
          }
        : null,
      ...(s.url ? { url: s.url, provider: s.provider } : {}),
    };
  }
}
