import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CatalogModule } from '@openrathaus/catalog';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { ApplicationEntity, AttachmentEntity } from './application.entity';
import { ApplicationsRepository } from './applications.repository';
import { Applications } from './applications.service';
import { CaseworkRepository } from './casework.repository';
import { Casework } from './casework.service';

export const APPLICATIONS_ENTITIES = [ApplicationEntity, AttachmentEntity];

/** Applications (Anträge): drafts bound to a definition version. */
@Module({
  imports: [CatalogModule, I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'applications', 'locales') })],
  providers: [Applications, ApplicationsRepository, Casework, CaseworkRepository],
  exports: [Applications, Casework],
})
export class ApplicationsModule {}
