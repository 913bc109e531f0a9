import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponder } from './error-responder.service';

/** The one place where errors become HTTP answers. */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  constructor(private readonly responder: ErrorResponder) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.responder.send(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
