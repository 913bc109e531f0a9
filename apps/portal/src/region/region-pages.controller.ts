import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant } from '@openrathaus/tenancy';
import { queryValue } from '../catalogue/service-pages.service';
import { PageContext } from '../http/page-context.service';
import { CurrentTenant } from '../http/pipeline/tenant.guard';
import { RegionGuard } from './region.guard';
import { RegionPage, RegionPages } from './region-pages.service';

/** A query parameter as the finder reads it: absent stays absent, anything given is its text. */
const given = (value: unknown): string | undefined => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? queryValue(first) : undefined;
};

/**
 * The region's pages on its host: search, responsibility finder, what is online where, Lebenslagen,
 * statistics. Each works without JavaScript (forms send GET); on a town's host they are 404.
 */
@ApiExcludeController()
@UseGuards(RegionGuard)
@Controller('region')
export class RegionPagesController {
  constructor(
    private readonly regionPages: RegionPages,
    private readonly pages: PageContext,
  ) {}

  @Get('suche')
  async search(
    @CurrentTenant() region: Tenant,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.pages.locale(request, reply, region);
    return this.send(reply, await this.regionPages.search(region, locale, queryValue(query?.q)));
  }

  @Get('zustaendigkeit')
  async finder(
    @CurrentTenant() region: Tenant,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.pages.locale(request, reply, region);
    const ask = {
      postalCode: given(query?.postalCode) || undefined,
      town: given(query?.town) || undefined,
      service: given(query?.service) || undefined,
    };
    // The form sends both fields (empty or not); a link with only the service (from the search)
    // opens the form with the service chosen, and is no error.
    const asked = query?.postalCode !== undefined || query?.town !== undefined;
    const page = await this.regionPages.finder(region, locale, ask, asked);
    return this.send(reply, page);
  }

  @Get('vergleich')
  async comparison(
    @CurrentTenant() region: Tenant,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.send(reply, await this.regionPages.comparison(region, this.pages.locale(request, reply, region)));
  }

  @Get('lebenslagen')
  async lagen(
    @CurrentTenant() region: Tenant,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.send(reply, await this.regionPages.lagen(region, this.pages.locale(request, reply, region)));
  }

  @Get('lebenslagen/:id')
  async lage(
    @CurrentTenant() region: Tenant,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.send(reply, await this.regionPages.lage(region, this.pages.locale(request, reply, region), id));
  }

  @Get('statistik')
  async statistics(
    @CurrentTenant() region: Tenant,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.pages.locale(request, reply, region);
    return this.send(reply, await this.regionPages.statisticsPage(region, locale, query?.from, query?.to));
  }

  private send(reply: FastifyReply, page: RegionPage): string {
    void reply
      .code(page.status)
      .header('content-type', 'text/html; charset=utf-8')
      // The members' offers change with their files; the pages are cheap to build again.
      .header('cache-control', 'no-cache');
    return page.html;
  }
}
