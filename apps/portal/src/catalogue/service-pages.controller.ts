import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServicePages } from './service-pages.service';

/**
 * The citizen's pages of the catalogue: the service list and search, the Lebenslagen, each service.
 * They come from the page cache with their ETag; the reply is at hand for the language cookie and the 304.
 */
@ApiExcludeController()
@Controller()
export class ServicePagesController {
  constructor(private readonly servicePages: ServicePages) {}

  /** `?q=` searches, `?lebenslage=` narrows to a Lebenslage, Unternehmenslage or Themenfeld. */
  @Get('/leistungen')
  list(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return this.servicePages.list(request, reply, query ?? {});
  }

  @Get('/leistungen/:key')
  service(
    @Param('key') key: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return this.servicePages.service(request, reply, key);
  }

  @Get('/lebenslagen')
  lagen(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer | undefined> {
    return this.servicePages.lagen(request, reply);
  }

  @Get('/lebenslagen/:id')
  lage(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return this.servicePages.lage(request, reply, id);
  }
}
