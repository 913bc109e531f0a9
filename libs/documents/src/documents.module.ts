import { Module } from '@nestjs/common';
import { TenancyModule } from '@openrathaus/tenancy';
import { WebModule } from '@openrathaus/web';
import { DocumentEntity } from './document.entity';
import { Documents } from './documents.service';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeys } from './signing-keys.service';

export const DOCUMENTS_ENTITIES: Function[] = [SigningKeyEntity, DocumentEntity];

/** Issued PDF documents, their signed verification codes and the tenants' signing keys. */
@Module({
  // The web lib's texts label the PDF; the worker has no pages, so it is imported here.
  imports: [TenancyModule, WebModule],
  providers: [SigningKeys, Documents],
  exports: [SigningKeys, Documents],
})
export class DocumentsModule {}
