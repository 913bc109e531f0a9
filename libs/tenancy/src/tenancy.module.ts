import { Module } from '@nestjs/common';
import { TenantRefreshHandler } from './tenant-refresh.handler';
import { TenantRegistry } from './tenant-registry.service';
import { TenantSync } from './tenant-sync.service';
import { TenantDomainEntity, TenantEntity } from './tenant.entity';
import { TenantsRepository } from './tenants.repository';

export const TENANCY_ENTITIES = [TenantEntity, TenantDomainEntity];

@Module({
  providers: [TenantRegistry, TenantSync, TenantRefreshHandler, TenantsRepository],
  exports: [TenantRegistry, TenantSync, TenantsRepository],
})
export class TenancyModule {}
