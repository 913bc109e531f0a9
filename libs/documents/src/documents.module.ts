import { Module } from '@nestjs/common';

export const DOCUMENTS_ENTITIES: Function[] = [];

/** Issued PDF documents, their signed verification codes and the tenants' signing keys. */
@Module({})
export class DocumentsModule {}
