import { Module } from '@nestjs/common';
import { BackofficeModule as CaseworkModule } from '@openrathaus/backoffice';
import { CatalogModule } from '@openrathaus/catalog';
import { PortalHttpModule } from '../http/portal-http.module';
import { AdminProcessesController } from './admin-processes.controller';
import { BackofficeAuthController } from './backoffice-auth.controller';
import { CaseworkController } from './casework.controller';
import { CaseworkPagesController } from './casework-pages.controller';
import { CaseworkPages } from './casework-pages.service';

/** Staff on their tenant's host: login and password, the tenant admin's process definitions. */
@Module({
  imports: [PortalHttpModule, CatalogModule, CaseworkModule],
  controllers: [BackofficeAuthController, AdminProcessesController, CaseworkController, CaseworkPagesController],
  providers: [CaseworkPages],
})
export class BackofficeModule {}
