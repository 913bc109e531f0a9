import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { TenancyModule } from '@openrathaus/tenancy';
import { RegionCatalogue } from './region-catalogue.service';
import { RegionStatistics } from './region-statistics.service';

/** The umbrella portal's side: the union catalogue, responsibility by postal code and town, comparisons, statistics. */
@Module({
  imports: [
    CatalogModule,
    ApplicationsModule,
    TenancyModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'region', 'locales') }),
  ],
  providers: [RegionCatalogue, RegionStatistics],
  exports: [RegionCatalogue, RegionStatistics],
})
export class RegionModule {}
