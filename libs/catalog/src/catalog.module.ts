import { Module } from '@nestjs/common';
import { TenancyModule } from '@openrathaus/tenancy';
import { CatalogResolveHandler } from './catalog-resolve.handler';
import { CatalogService } from './catalog.service';
import { CatalogStore } from './catalog-store.service';
import { CatalogSync } from './catalog-sync.service';
import { DefinitionPublisher } from './definition-publisher.service';
import { StepKinds } from './step-kinds.service';

/** Services, process definitions, adoptions and search. */
@Module({
  imports: [TenancyModule],
  providers: [CatalogStore, CatalogSync, CatalogService, DefinitionPublisher, CatalogResolveHandler, StepKinds],
  exports: [CatalogService, DefinitionPublisher, CatalogSync, StepKinds],
})
export class CatalogModule {}
