import type { FieldFault } from '@openrathaus/core';
import { AppointmentsError, AppointmentsErrorCode } from './appointments.error';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
/** ISO 8601 with seconds optional and an offset or Z: `2026-12-08T09:00:00+01:00`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A booking request as the API and the pages receive it, after its fields were checked. */
export interface BookingInput {
  office: string;
  service: string;
  persons: number;
  start: Date;
  name: string;
  email: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim() : undefined);

/** A key-like field (office, service); the fault names the field. */
export function keyField(value: unknown, field: string, faults: FieldFault[]): string {
  const v = text(value);
  if (!v) faults.push({ field, key: 'required' });
  else if (v.length > 64 || !KEY.test(v)) faults.push({ field, key: `appointment_${field}` });
  return v ?? '';
}

/** Persons of a booking: a whole number from 1 (default) to `max`. */
export function personsField(value: unknown, max: number, faults: FieldFault[], field = 'count'): number {
  if (value === undefined || value === null || value === '') return 1;
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    faults.push({ field, key: 'appointment_count', params: { max } });
    return 1;
  }
  return n;
}

/** An instant with an offset (ISO 8601). */
export function instantField(value: unknown, field: string, faults: FieldFault[]): Date {
  const v = text(value);
  const at = v && DATE_TIME.test(v) ? new Date(v) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    faults.push({ field, key: v ? 'appointment_start' : 'required' });
    return new Date(0);
  }
  return at;
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function dateField(value: unknown, field: string, faults: FieldFault[]): string | undefined {
  const v = text(value);
  if (v === undefined || v === '') return undefined;
  if (!DATE.test(v) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    faults.push({ field, key: 'date' });
    return undefined;
  }
  return v;
}

/** Name and address of the person who books. */
export function contactFields(body: Record<string, unknown>, faults: FieldFault[]): { name: string; email: string } {
  const name = text(body.name) ?? '';
  if (!name) faults.push({ field: 'name', key: 'required' });
  else if (name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) faults.push({ field: 'name', key: 'too_long' });
  const email = text(body.email) ?? '';
  if (!email) faults.push({ field: 'email', key: 'required' });
  else if (email.length > 254 || !EMAIL.test(email)) faults.push({ field: 'email', key: 'email' });
  return { name, email };
}

export const refuse = (faults: FieldFault[]): void => {
  if (faults.length) throw new AppointmentsError(AppointmentsErrorCode.InvalidInput, {}, faults);
};

/** The body as a record of fields, whatever was sent. */
export const fieldsOf = (body: unknown): Record<string, unknown> =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
