import { DomainError, ErrorKind, FieldFault } from './domain.error';

export enum CoreErrorCode {
  InvalidConfiguration = 'core.invalid_configuration',
  InvalidInput = 'core.invalid_input',
  NotFound = 'core.not_found',
  NoContext = 'core.no_context',
  /** The instance has as much of some costly work under way and waiting as it takes: try again shortly. */
  Busy = 'core.busy',
  /** A JSON body nested deeper than the platform reads. */
  TooDeep = 'core.too_deep',
  /** A body that says it is JSON and is not. */
  InvalidJson = 'core.invalid_json',
}

const kinds: Record<CoreErrorCode, ErrorKind> = {
  [CoreErrorCode.InvalidConfiguration]: 'internal',
  [CoreErrorCode.InvalidInput]: 'invalid',
  [CoreErrorCode.NotFound]: 'not_found',
  [CoreErrorCode.NoContext]: 'internal',
  [CoreErrorCode.Busy]: 'unavailable',
  [CoreErrorCode.TooDeep]: 'invalid',
  [CoreErrorCode.InvalidJson]: 'invalid',
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
