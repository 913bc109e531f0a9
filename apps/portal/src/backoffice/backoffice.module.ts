import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { PortalHttpModule } from '../http/portal-http.module';
import { AdminProcessesController } from './admin-processes.controller';
import { BackofficeAuthController } from './backoffice-auth.controller';

/** Staff on their tenant's host: login and password, the tenant admin's process definitions. */
@Module({
  imports: [PortalHttpModule, CatalogModule],
  controllers: [BackofficeAuthController, AdminProcessesController],
})
export class BackofficeModule {}
