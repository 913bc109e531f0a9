import { Injectable } from '@nestjs/common';
import { CrossTenantReads, Period, TenantScope } from '@openrathaus/database';
import { DocumentEntity } from './document.entity';

/** What a new document's row holds: all that is signed, and where its file is. */
export type NewDocument = Pick<
  DocumentEntity,
  | 'id'
  | 'template'
  | 'title'
  | 'filename'
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
> & { applicationId: string; storageKey: string };

/** The owner of `documents`: every statement on it, each in the caller's transaction. */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly crossTenant: CrossTenantReads) {}

  /** Per tenant, the documents issued in `period` (the operator's usage). */
  async usage(period: Period): Promise<{ tenantId: string; documents: number }[]> {
    const rows = await this.crossTenant.query<{ tenant_id: string; n: string }>(
      'usage',
      `select tenant_id, count(*) as n from public.documents where issued_at >= $1 and issued_at < $2 group by tenant_id`,
      [period.from, period.to],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, documents: Number(r.n) }));
  }

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

  /**
   * Removes what the document says about its holder and where its PDF was, keeping code, hashes,
   * signatures and dates, with the second signature over what stays; false when it was done before.
   */
  async forget(
    scope: TenantScope,
    id: string,
    forgotten: { at: Date; keyId: string; signature: string },
  ): Promise<boolean> {
    const rows = await scope.query<{ id: string }>(
      `update public.documents
          set holder = '', content = '', storage_key = null,
              forgotten_at = $2, forgotten_key_id = $3, forgotten_signature = $4
        where id = $1 and forgotten_at is null
       returning id`,
      [id, forgotten.at, forgotten.keyId, forgotten.signature],
    );
    return rows.length > 0;
  }

  /** Revokes the document; a revoked one keeps its first date. */
  async revoke(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.documents set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null`,
      [scope.tenantId, id],
    );
  }
}
