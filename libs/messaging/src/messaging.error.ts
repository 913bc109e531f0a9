import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum MessagingErrorCode {
  InvalidInput = 'messaging.invalid_input',
  UnknownTemplate = 'messaging.unknown_template',
  InvalidTemplate = 'messaging.invalid_template',
  NotFound = 'messaging.not_found',
  AttachmentMissing = 'messaging.attachment_missing',
  /** Another run is sending the mail at this moment. */
  Busy = 'messaging.busy',
}

const kinds: Record<MessagingErrorCode, ErrorKind> = {
  [MessagingErrorCode.InvalidInput]: 'invalid',
  [MessagingErrorCode.UnknownTemplate]: 'internal',
  [MessagingErrorCode.InvalidTemplate]: 'internal',
  [MessagingErrorCode.NotFound]: 'not_found',
  [MessagingErrorCode.AttachmentMissing]: 'internal',
  [MessagingErrorCode.Busy]: 'unavailable',
};

/** E-mail and the citizen's mailbox. */
export class MessagingError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: MessagingErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
