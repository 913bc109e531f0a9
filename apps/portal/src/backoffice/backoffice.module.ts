import { Module } from '@nestjs/common';
import { BackofficeModule as CaseworkModule } from '@openrathaus/backoffice';
import { CatalogModule } from '@openrathaus/catalog';
import { DeliveryModule } from '@openrathaus/delivery';
import { PortalHttpModule } from '../http/portal-http.module';
import { AdminProcessesController } from './admin-processes.controller';
import { BackofficeAuthController } from './backoffice-auth.controller';
import { BackofficeLoginPagesController } from './backoffice-login-pages.controller';
import { BackofficePages } from './backoffice-login-pages.service';
import { CaseworkController } from './casework.controller';
import { CaseworkPagesController } from './casework-pages.controller';
import { CaseworkPages } from './casework-pages.service';
import { HandoffsController } from './handoffs.controller';
import { StaffAdminController } from './staff-admin.controller';
import { StaffPagesController } from './staff-pages.controller';

/**
 * Staff on their tenant's host: login with password and TOTP, the tenant admin's staff and process
 * definitions, the caseworkers' inbox, applications, statistics and audit trail.
 */
@Module({
  imports: [PortalHttpModule, CatalogModule, CaseworkModule, DeliveryModule],
  controllers: [
    BackofficeAuthController,
    StaffAdminController,
    BackofficeLoginPagesController,
    StaffPagesController,
    AdminProcessesController,
    CaseworkController,
    CaseworkPagesController,
    HandoffsController,
  ],
  providers: [BackofficePages, CaseworkPages],
})
export class BackofficeModule {}
