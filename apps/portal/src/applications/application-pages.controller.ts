import { Body, Controller, Get, Header, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfGuard } from '../http/pipeline/csrf.guard';
import { ApplicationPages } from './application-pages.service';

type Form = Record<string, string | string[]> | undefined;

/**
 * The application pages: start, one page per form step, summary, payment and the result. They work
 * without JavaScript: every action is a form post answered with a redirect (or the page again with
 * its errors). Handlers return the page's HTML (or nothing after readying a redirect) and Nest sends
 * it; the reply is at hand for the status, the redirect and the language cookie, which depend on the request.
 */
@ApiExcludeController()
@Controller()
export class ApplicationPagesController {
  constructor(private readonly pages: ApplicationPages) {}

  @Get('/leistungen/:key/antrag')
  start(@Param('key') key: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.start(request, reply, key);
  }

  @Post('/leistungen/:key/antrag')
  @UseGuards(CsrfGuard)
  begin(@Param('key') key: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.begin(request, reply, key);
  }

  @Get('/antraege')
  list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.list(request, reply);
  }

  @Get('/antraege/:id')
  status(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.status(request, reply, id);
  }

  @Get('/antraege/:id/schritt/:page')
  step(
    @Param('id') id: string,
    @Param('page') page: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.pages.step(request, reply, id, page);
  }

  @Post('/antraege/:id/schritt/:page')
  save(
    @Param('id') id: string,
    @Param('page') page: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.pages.save(request, reply, id, page, body);
  }

  @Get('/antraege/:id/zusammenfassung')
  summary(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.summary(request, reply, id);
  }

  @Post('/antraege/:id/absenden')
  @UseGuards(CsrfGuard)
  submit(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.submit(request, reply, id);
  }

  @Post('/antraege/:id/bezahlen')
  @UseGuards(CsrfGuard)
  pay(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.pay(request, reply, id);
  }

  /** The answer to a request for information: a text and a file (multipart; CSRF checked once read). */
  @Post('/antraege/:id/antwort')
  answer(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.answer(request, reply, id);
  }

  @Post('/antraege/:id/zurueckziehen')
  @UseGuards(CsrfGuard)
  withdraw(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.pages.withdraw(request, reply, id, body);
  }

  /** Where the payment page sends the citizen back; the portal asks the provider, never the URL. */
  @Get('/antraege/:id/zahlung')
  paid(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pages.paymentReturn(request, reply, id);
  }

  @Get('/antraege/:id/dokumente/:documentId')
  @Header('cache-control', 'private, no-store')
  document(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.pages.document(request, reply, id, documentId);
  }
}
