import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { FormsModule } from '@openrathaus/forms';
import { I18nModule } from '@openrathaus/i18n';
import { TenancyModule } from '@openrathaus/tenancy';
import { DocumentEntity } from './document.entity';
import { DocumentsRepository } from './documents.repository';
import { Documents } from './documents.service';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeys } from './signing-keys.service';

export const DOCUMENTS_ENTITIES: Function[] = [SigningKeyEntity, DocumentEntity];

/** Issued PDF documents, their signed verification codes and the tenants' signing keys. */
@Module({
  imports: [
    TenancyModule,
    FormsModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'documents', 'locales') }),
  ],
  providers: [DocumentsRepository, SigningKeysRepository, SigningKeys, Documents],
  exports: [SigningKeys, Documents],
})
export class DocumentsModule {}
