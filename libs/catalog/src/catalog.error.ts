import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum CatalogErrorCode {
  UnknownService = 'catalog.unknown_service',
  UnknownLage = 'catalog.unknown_lage',
  UnknownDefinition = 'catalog.unknown_definition',
  UnknownVersion = 'catalog.unknown_version',
  InvalidDefinition = 'catalog.invalid_definition',
  AlreadyPublished = 'catalog.already_published',
  FeeNotComputable = 'catalog.fee_not_computable',
  InvalidQuery = 'catalog.invalid_query',
}

const kinds: Record<CatalogErrorCode, ErrorKind> = {
  [CatalogErrorCode.UnknownService]: 'not_found',
  [CatalogErrorCode.UnknownLage]: 'invalid',
  [CatalogErrorCode.UnknownDefinition]: 'not_found',
  [CatalogErrorCode.UnknownVersion]: 'not_found',
  [CatalogErrorCode.InvalidDefinition]: 'unprocessable',
  [CatalogErrorCode.AlreadyPublished]: 'conflict',
  [CatalogErrorCode.FeeNotComputable]: 'unprocessable',
  [CatalogErrorCode.InvalidQuery]: 'invalid',
};

/** The catalogue's errors: unknown services and definitions, refused publications. */
export class CatalogError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: CatalogErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
