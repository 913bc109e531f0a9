import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, CoreError, CoreErrorCode } from '@openrathaus/core';
import { themeCssOfFile } from '@openrathaus/web';
import { tenantOf } from '../http/request-state';
import { HomePages } from './home-pages.service';

const ASSET = /^[A-Za-z0-9._-]+\.(svg|png|jpg|jpeg|webp)$/;
const TYPES: Record<string, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** The citizen's pages: a tenant's home, the region's member list, the portal list on localhost. */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(
    private readonly homePages: HomePages,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('/')
  // The hot path: the cached bytes with their ETag are written at once, as the Host hook does.
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.homePages.serve(request, reply, tenantOf(request));
  }

  /** A tenant's pictures (coat of arms, logo) from its folder. */
  @Get('/tenant-assets/:file')
  async asset(
    @Param('file') file: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const tenant = tenantOf(request);
    if (!tenant || !ASSET.test(file)) throw new CoreError(CoreErrorCode.NotFound, { what: 'asset' });
    const path = join(this.config.tenantsDir, tenant.slug, 'assets', file);
    const body = await readFile(path).catch(() => {
      throw new CoreError(CoreErrorCode.NotFound, { what: 'asset' });
    });
    const type = TYPES[file.split('.').pop()?.toLowerCase() ?? ''];
    void reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=3600')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      // A region's page shows its members' emblems from their own hosts.
      .header('cross-origin-resource-policy', 'cross-origin');
    return body;
  }

  /** A tenant's colours as a stylesheet; its name is its content, so it never changes. */
  @Get('/assets/theme/:file')
  // The headers are set only for a stylesheet found, never on the 404 answer, hence the reply.
  theme(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const css = themeCssOfFile(file);
    if (!css) throw new CoreError(CoreErrorCode.NotFound, { what: 'asset' });
    void reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable');
    return css;
  }
}
