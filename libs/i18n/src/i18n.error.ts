import { DomainError, ErrorKind } from '@openrathaus/core';

export enum I18nErrorCode {
  /** Two locale folders define the same key: one would silently win over the other. */
  DuplicateText = 'i18n.duplicate_text',
  TemplateNotFound = 'i18n.template_not_found',
}

const kinds: Record<I18nErrorCode, ErrorKind> = {
  [I18nErrorCode.DuplicateText]: 'internal',
  [I18nErrorCode.TemplateNotFound]: 'internal',
};

/** Texts and templates. */
export class I18nError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: I18nErrorCode, params: Record<string, unknown> = {}) {
    super(code, params);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
