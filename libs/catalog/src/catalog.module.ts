import { Module } from '@nestjs/common';
import { FormsModule } from '@openrathaus/forms';
import { TenancyModule } from '@openrathaus/tenancy';
import { CatalogResolveHandler } from './catalog-resolve.handler';
import { CatalogStore } from './catalog-store.service';
import { CatalogSync } from './catalog-sync.service';
import { CatalogService } from './catalog.service';
import { DefinitionPublisher } from './definition-publisher.service';
import { ProcessDefinitionsRepository } from './process-definitions.repository';
import { TenantServicesRepository } from './tenant-services.repository';
import { StepKinds } from './step-kinds.service';

/** Services, process definitions, adoptions and search. */
@Module({
  imports: [TenancyModule, FormsModule],
  providers: [
    CatalogStore,
    CatalogSync,
    CatalogService,
    DefinitionPublisher,
    CatalogResolveHandler,
    StepKinds,
    ProcessDefinitionsRepository,
    TenantServicesRepository,
  ],
  exports: [CatalogService, DefinitionPublisher, CatalogSync, StepKinds, ProcessDefinitionsRepository],
})
export class CatalogModule {}
