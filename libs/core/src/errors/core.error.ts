import { DomainError, ErrorKind, FieldFault } from './domain.error';

export enum CoreErrorCode {
  InvalidConfiguration = 'core.invalid_configuration',
  InvalidInput = 'core.invalid_input',
  NotFound = 'core.not_found',
  NoContext = 'core.no_context',
}

const kinds: Record<CoreErrorCode, ErrorKind> = {
  [CoreErrorCode.InvalidConfiguration]: 'internal',
  [CoreErrorCode.InvalidInput]: 'invalid',
  [CoreErrorCode.NotFound]: 'not_found',
  [CoreErrorCode.NoContext]: 'internal',
};

export class CoreError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: CoreErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    if (code === CoreErrorCode.InvalidConfiguration) {
      this.message = `Invalid configuration: ${String(params.field)}=${String(params.value)}`;
    }
  }
}
