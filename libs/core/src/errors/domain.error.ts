/** What kind of failure an error is; the HTTP layer maps kinds to status codes. */
export type ErrorKind =
  'invalid' | 'unprocessable' | 'not_found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'unavailable' | 'internal';

/** One faulty field of an input, with a message key and its parameters. */
export interface FieldFault {
  field: string;
  /** i18n key below `errors.field.` or a ready message when no key fits. */
  key: string;
  params?: Record<string, unknown>;
}

/**
 * Base of every lib's error class. Domain code throws these, never HTTP exceptions; the global
 * filter turns `kind` into a status and `code` into a translated message (`errors.<code>`).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;

  protected constructor(
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly fields: FieldFault[] = [],
  ) {
    super(code);
    this.name = new.target.name;
  }
}
