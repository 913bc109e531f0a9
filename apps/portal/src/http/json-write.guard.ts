import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { checkApiRequest } from './citizen-auth';

/**
 * Lets a JSON write in only when it is JSON and comes from a page of this very host (or from no
 * browser at all): a cross-site form post is refused before its handler runs (415 or 403).
 */
@Injectable()
export class JsonWriteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'GET' && request.method !== 'HEAD') checkApiRequest(request);
    return true;
  }
}
