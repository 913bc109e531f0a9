import { Module } from '@nestjs/common';
import { TenantRefreshHandler } from './tenant-refresh.handler';
import { TenantRegistry } from './tenant-registry.service';
import { TenantSync } from './tenant-sync.service';
import { TenantDomainEntity, TenantEntity } from './tenant.entity';

export const TENANCY_ENTITIES = [TenantEntity, TenantDomainEntity];

@Module({
  providers: [TenantRegistry, TenantSync, TenantRefreshHandler],
  exports: [TenantRegistry, TenantSync],
})
export class TenancyModule {}
