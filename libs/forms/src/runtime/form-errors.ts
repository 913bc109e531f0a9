import type { LocalizedText } from '@openrathaus/i18n';

/** What can be wrong with an answer; each key has a text `errors.field.<key>` in the locales. */
export const FIELD_ERROR_KEYS = [
  'required',
  'too_long',
  'too_short',
  'pattern',
  'number',
  'min',
  'max',
  'decimals',
  'date',
  'date_min',
  'date_max',
  'email',
  'phone',
  'option',
  'min_items',
  'max_items',
  'file_missing',
  'iban',
  'license_plate',
  'postal_code',
  'consent',
  'invalid',
  'rule',
] as const;
export type FieldErrorKey = (typeof FIELD_ERROR_KEYS)[number];

/** What can be wrong with an uploaded file (see {@link checkUpload}). */
export const UPLOAD_ERROR_KEYS = ['file_empty', 'file_too_large', 'file_type', 'disguised'] as const;
export type UploadErrorKey = (typeof UPLOAD_ERROR_KEYS)[number];

/**
 * One faulty answer. `field` is the path of the answer: `vorname`, `anschrift.postalCode`,
 * `kinder.0.vorname`, `telefone.1`. A failed validation rule of the definition carries its own
 * `message`; every other error is told by `key` (text `errors.field.<key>`) and `params`.
 */
export interface FormFieldError {
  field: string;
  /** One of {@link FIELD_ERROR_KEYS} or {@link UPLOAD_ERROR_KEYS} from this lib; others may pass theirs on. */
  key: FieldErrorKey | UploadErrorKey | (string & {});
  params?: Record<string, unknown>;
  message?: LocalizedText;
}
