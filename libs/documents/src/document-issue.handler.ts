import { Inject, Injectable, Optional } from '@nestjs/common';
import { HandlesJob, JobHandler, JobPayload } from '@openrathaus/jobs';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { DocumentsError, DocumentsErrorCode } from './documents.error';
import { Documents, IssueDocumentInput } from './documents.service';

export const DOCUMENTS_QUEUE = 'documents';
export const DOCUMENT_ISSUE_JOB = 'document.issue';

/** Everything {@link Documents.issue} needs except the template, which the job names. */
export type DocumentSourceData = Omit<IssueDocumentInput, 'templateKey'>;

/**
 * Port to the applications: loads what a document is issued from (the application's answers,
 * parameters, number, its definition version, the holder's name and language). The documents lib
 * does not read applications itself; whoever owns them binds this token.
 */
export interface DocumentSource {
  load(tenant: Tenant, applicationId: string): Promise<DocumentSourceData>;
}

/** Injection token of the {@link DocumentSource}. */
export const DOCUMENT_SOURCE = Symbol('DOCUMENT_SOURCE');

/**
 * Issues a document in the worker: `{ tenantId, applicationId, template }`. Idempotent, as
 * `Documents.issue` is: a repeated job returns the document the first one made.
 */
@Injectable()
@HandlesJob(DOCUMENTS_QUEUE, DOCUMENT_ISSUE_JOB)
export class DocumentIssueHandler implements JobHandler {
  constructor(
    private readonly documents: Documents,
    private readonly registry: TenantRegistry,
    @Optional() @Inject(DOCUMENT_SOURCE) private readonly source?: DocumentSource,
  ) {}

  async handle(payload: JobPayload): Promise<string> {
    if (!this.source) throw new DocumentsError(DocumentsErrorCode.NoSource);
    const { tenantId, applicationId, template } = payload;
    // The worker does not load every tenant at start; it reads the one it needs.
    const tenant = this.registry.getById(tenantId) ?? (await this.registry.reload(tenantId));
    if (!tenant) throw new DocumentsError(DocumentsErrorCode.UnknownTenant, { tenantId });
    if (!applicationId || !template) throw new DocumentsError(DocumentsErrorCode.NotFound, { applicationId, template });
    const data = await this.source.load(tenant, applicationId);
    return (await this.documents.issue(tenant, { ...data, templateKey: template })).id;
  }
}
