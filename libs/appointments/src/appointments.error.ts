import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum AppointmentsErrorCode {
  /** A request whose fields are wrong: past, beyond the horizon, outside hours, unknown service… */
  InvalidInput = 'appointments.invalid_input',
  /** No such appointment, or a link that is forged or spent. */
  NotFound = 'appointments.not_found',
  /** The time was taken by someone else a moment earlier; the error carries the next free times. */
  Taken = 'appointments.taken',
  /** The appointment is cancelled, expired or over and cannot be changed. */
  NotChangeable = 'appointments.not_changeable',
  /** The address has booked as many appointments today as a day allows. */
  DailyLimit = 'appointments.daily_limit',
  /** A member of staff acted on an office that is not theirs. */
  Forbidden = 'appointments.forbidden',
}

const kinds: Record<AppointmentsErrorCode, ErrorKind> = {
  [AppointmentsErrorCode.InvalidInput]: 'invalid',
  [AppointmentsErrorCode.NotFound]: 'not_found',
  [AppointmentsErrorCode.Taken]: 'conflict',
  [AppointmentsErrorCode.NotChangeable]: 'conflict',
  [AppointmentsErrorCode.DailyLimit]: 'unprocessable',
  [AppointmentsErrorCode.Forbidden]: 'forbidden',
};

/** Appointments at the offices: calendars, free times, bookings. */
export class AppointmentsError extends DomainError {
  readonly kind: ErrorKind;

  constructor(
    code: AppointmentsErrorCode,
    params: Record<string, unknown> = {},
    fields: FieldFault[] = [],
    /** What the answer carries besides the message: the next free times after a 409. */
    readonly details?: Record<string, unknown>,
  ) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = code;
  }
}

/** A refusal of one field (`field`, message key below `errors.field.`). */
export const invalidField = (field: string, key: string, params?: Record<string, unknown>): AppointmentsError =>
  new AppointmentsError(AppointmentsErrorCode.InvalidInput, {}, [{ field, key, params }]);
