import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { PortalHttpModule } from '../http/portal-http.module';
import { AdminProcessesController } from './admin-processes.controller';
import { BackofficeAuthController } from './backoffice-auth.controller';
import { BackofficeLoginPagesController } from './backoffice-login-pages.controller';
import { BackofficePages } from './backoffice-login-pages.service';
import { StaffAdminController } from './staff-admin.controller';
import { StaffPagesController } from './staff-pages.controller';

/** Staff on their tenant's host: login and password, the tenant admin's process definitions. */
@Module({
  imports: [PortalHttpModule, CatalogModule],
  controllers: [
    BackofficeAuthController,
    StaffAdminController,
    BackofficeLoginPagesController,
    StaffPagesController,
    AdminProcessesController,
  ],
  providers: [BackofficePages],
})
export class BackofficeModule {}
