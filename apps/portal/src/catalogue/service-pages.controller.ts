import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServicePages } from './service-pages.service';

/** The citizen's pages of the catalogue: the service list and search, the Lebenslagen, each service. */
@ApiExcludeController()
@Controller()
export class ServicePagesController {
  constructor(private readonly servicePages: ServicePages) {}

  /** `?q=` searches, `?lebenslage=` narrows to a Lebenslage, Unternehmenslage or Themenfeld. */
  @Get('/leistungen')
  list(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return this.servicePages.list(request, reply, query ?? {});
  }

  @Get('/leistungen/:key')
  service(
    @Param('key') key: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return this.servicePages.service(request, reply, key);
  }

  @Get('/lebenslagen')
  lagen(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.servicePages.lagen(request, reply);
  }

  @Get('/lebenslagen/:id')
  lage(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.servicePages.lage(request, reply, id);
  }
}
