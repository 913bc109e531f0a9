import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { PortalHttpModule } from '../http/portal-http.module';
import { AdminProcessesController } from './admin-processes.controller';
import { BackofficeAuthController } from './backoffice-auth.controller';
import { StaffAdminController } from './staff-admin.controller';

/** Staff on their tenant's host: login and password, the tenant admin's process definitions. */
@Module({
  imports: [PortalHttpModule, CatalogModule],
  controllers: [BackofficeAuthController, StaffAdminController, AdminProcessesController],
})
export class BackofficeModule {}
