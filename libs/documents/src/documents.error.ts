import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum DocumentsErrorCode {
  NotFound = 'documents.not_found',
  UnknownTemplate = 'documents.unknown_template',
  TemplateFailed = 'documents.template_failed',
  InvalidValidity = 'documents.invalid_validity',
  FileMissing = 'documents.file_missing',
  KeyUnreadable = 'documents.key_unreadable',
  UnknownTenant = 'documents.unknown_tenant',
}

const kinds: Record<DocumentsErrorCode, ErrorKind> = {
  [DocumentsErrorCode.NotFound]: 'not_found',
  [DocumentsErrorCode.UnknownTemplate]: 'unprocessable',
  [DocumentsErrorCode.TemplateFailed]: 'unprocessable',
  [DocumentsErrorCode.InvalidValidity]: 'unprocessable',
  // A stored file that is gone, a key the secret cannot open, a port nobody bound: the operator's matter.
  [DocumentsErrorCode.FileMissing]: 'internal',
  [DocumentsErrorCode.KeyUnreadable]: 'internal',
  [DocumentsErrorCode.UnknownTenant]: 'not_found',
};

/** Issuing, reading and verifying documents. */
export class DocumentsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: DocumentsErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
