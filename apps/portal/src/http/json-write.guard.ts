import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { checkApiRequest, checkSameOrigin } from './citizen-auth';

const UPLOAD = 'openrathaus:upload';

/** Marks a handler that takes a multipart upload: behind {@link JsonWriteGuard} only its origin is checked. */
export const TakesUpload = () => SetMetadata(UPLOAD, true);

/**
 * Lets a write in only when it is JSON (or, for a handler that {@link TakesUpload}, multipart)
 * and comes from a page of this very host or from no browser at all: a cross-site form post is
 * refused before its handler runs (415 or 403). Reads pass.
 */
@Injectable()
export class JsonWriteGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method === 'GET' || request.method === 'HEAD') return true;
    if (this.reflector.get<boolean>(UPLOAD, context.getHandler())) checkSameOrigin(request);
    else checkApiRequest(request);
    return true;
  }
}
