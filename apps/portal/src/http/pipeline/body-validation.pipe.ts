import { Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { CoreError, CoreErrorCode, FieldFault } from '@openrathaus/core';

/** The field faults of class-validator's answer, named by their path (`anschrift.postalCode`). */
export function faultsOf(errors: ValidationError[], prefix = ''): FieldFault[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.keys(error.constraints ?? {});
    // A decorator may name the message of its fault: `@IsString({ context: { key: 'single' } })`.
    const named = own.map((c) => (error.contexts?.[c] as { key?: string } | undefined)?.key).find(Boolean);
    const key = named ?? (own.some((c) => c === 'isDefined' || c === 'isNotEmpty') ? 'required' : 'invalid');
    const faults: FieldFault[] = own.length ? [{ field, key }] : [];
    return [...faults, ...faultsOf(error.children ?? [], field)];
  });
}

/**
 * Validates a body or query typed with a DTO class (class-validator decorators) before the
 * handler runs; any other parameter passes untouched. A refusal is the platform's 400 that names
 * each field, in German and English, like every other input error.
 */
@Injectable()
export class BodyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      // The handler gets what was sent; the DTO describes and checks it, it does not convert it.
      transform: false,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new CoreError(CoreErrorCode.InvalidInput, {}, faultsOf(errors)),
    });
  }
}
