import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import { DocumentEntity } from './document.entity';

/** What a new document's row holds: all that is signed, and where its file is. */
export type NewDocument = Pick<
  DocumentEntity,
  | 'id'
  | 'applicationId'
  | 'template'
  | 'title'
  | 'filename'
  | 'storageKey'
  | 'sha256'
  | 'verifyCode'
  | 'keyId'
  | 'signature'
  | 'holder'
  | 'number'
  | 'content'
  | 'locale'
  | 'issuedAt'
  | 'validUntil'
>;

/** The owner of `documents`: every statement on it, each in the caller's transaction. */
@Injectable()
export class DocumentsRepository {
  /**
   * Adds the document unless the application has one of the template already; false when it had
   * (another worker stored it first).
   */
  async addOnce(scope: TenantScope, doc: NewDocument): Promise<boolean> {
    // `on conflict do nothing returning` tells the first from a repeated one in one statement.
    const inserted = await scope.query<{ id: string }>(
      `insert into public.documents (id, tenant_id, application_id, template, title, filename, storage_key,
              sha256, verify_code, key_id, signature, holder, number, content, locale, issued_at, valid_until)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       on conflict (tenant_id, application_id, template) do nothing
       returning id`,
      [
        doc.id,
        scope.tenantId,
        doc.applicationId,
        doc.template,
        doc.title,
        doc.filename,
        doc.storageKey,
        doc.sha256,
        doc.verifyCode,
        doc.keyId,
        doc.signature,
        doc.holder,
        doc.number,
        doc.content,
        doc.locale,
        doc.issuedAt,
        doc.validUntil,
      ],
    );
    return inserted.length > 0;
  }

  /** The application's documents, oldest first. */
  ofApplication(scope: TenantScope, applicationId: string): Promise<DocumentEntity[]> {
    return scope.find(DocumentEntity, { where: { applicationId }, order: { issuedAt: 'ASC' } });
  }

  /** The document of one template for an application. */
  ofTemplate(scope: TenantScope, applicationId: string, template: string): Promise<DocumentEntity | null> {
    return scope.findOne(DocumentEntity, { applicationId, template });
  }

  /** A document, only when it belongs to the application. */
  ofApplicationById(scope: TenantScope, applicationId: string, id: string): Promise<DocumentEntity | null> {
    return scope.findOne(DocumentEntity, { id, applicationId });
  }

  byId(scope: TenantScope, id: string): Promise<DocumentEntity | null> {
    return scope.findOne(DocumentEntity, { id });
  }

  byVerifyCode(scope: TenantScope, verifyCode: string): Promise<DocumentEntity | null> {
    return scope.findOne(DocumentEntity, { verifyCode });
  }

  /** Revokes the document; a revoked one keeps its first date. */
  async revoke(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.documents set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null`,
      [scope.tenantId, id],
    );
  }
}
