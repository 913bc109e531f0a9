import { Module } from '@nestjs/common';
import { RegionModule } from '@openrathaus/region';
import { PortalHttpModule } from '../http/portal-http.module';
import { RegionApiController } from './region-api.controller';
import { RegionGuard } from './region.guard';
import { RegionPagesController } from './region-pages.controller';
import { RegionPages } from './region-pages.service';

/** The umbrella portal on a region's host: search, finder, comparison, Lebenslagen, statistics (pages and JSON). */
@Module({
  imports: [PortalHttpModule, RegionModule],
  controllers: [RegionPagesController, RegionApiController],
  providers: [RegionPages, RegionGuard],
  exports: [RegionModule],
})
export class RegionPortalModule {}
