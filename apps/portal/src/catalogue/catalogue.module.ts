import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { DocumentsModule } from '@openrathaus/documents';
import { RegionModule } from '@openrathaus/region';
import { PortalHttpModule } from '../http/portal-http.module';
import { HomePages } from './home-pages.service';
import { PagesController } from './pages.controller';
import { ServicePagesController } from './service-pages.controller';
import { ServicePages } from './service-pages.service';
import { ServicesController } from './services.controller';
import { TenantController } from './tenant.controller';
import { VerifyPageController } from './verify-page.controller';

/** What anyone may read: a tenant's home, its services and Lebenslagen (pages and JSON), document checks. */
@Module({
  imports: [PortalHttpModule, CatalogModule, DocumentsModule, RegionModule],
  controllers: [TenantController, ServicesController, PagesController, ServicePagesController, VerifyPageController],
  providers: [HomePages, ServicePages],
  exports: [HomePages],
})
export class CataloguePortalModule {}
