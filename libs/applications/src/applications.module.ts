import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { ApplicationEntity, AttachmentEntity } from './application.entity';
import { Applications } from './applications.service';

export const APPLICATIONS_ENTITIES = [ApplicationEntity, AttachmentEntity];

/** Applications (Anträge): drafts bound to a definition version. */
@Module({
  imports: [CatalogModule],
  providers: [Applications],
  exports: [Applications],
})
export class ApplicationsModule {}
