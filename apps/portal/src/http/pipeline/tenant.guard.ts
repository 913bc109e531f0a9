import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TenancyError, TenancyErrorCode, Tenant } from '@openrathaus/tenancy';
import { tenantOf } from '../request-state';

/** Lets in only requests on a tenant's host (not the portal list, not the operator's host). */
@Injectable()
export class TenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!tenantOf(context.switchToHttp().getRequest<FastifyRequest>())) {
      throw new TenancyError(TenancyErrorCode.UnknownTenant);
    }
    return true;
  }
}

/** The tenant the host hook found for the request; behind {@link TenantGuard}. */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): Tenant => {
  const tenant = tenantOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!tenant) throw new TenancyError(TenancyErrorCode.UnknownTenant);
  return tenant;
});
