import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RegionError, RegionErrorCode } from '@openrathaus/region';
import { tenantOf } from '../http/request-state';

/** Lets in only requests on a region's host: a town's portal has no region pages (404). */
@Injectable()
export class RegionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const tenant = tenantOf(context.switchToHttp().getRequest<FastifyRequest>());
    if (tenant?.kind !== 'region') throw new RegionError(RegionErrorCode.NotFound, { what: 'page' });
    return true;
  }
}
