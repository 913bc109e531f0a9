import type { FormDefinition, Rule } from '@openrathaus/forms';
import type { LocalizedText } from '@openrathaus/i18n';

import type { TrustLevel } from '@openrathaus/core';
import type { RetentionRule } from './retention';

export { TRUST_LEVELS } from '@openrathaus/core';
export type { TrustLevel } from '@openrathaus/core';

export const VISIBILITIES = ['shared', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const PARAMETER_TYPES = ['money', 'text', 'enum', 'list', 'office', 'duration'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** The step kinds the definition format comes with; the workflow may register more. */
export const STEP_KINDS = [
  'form',
  'identity',
  'payment',
  'review',
  'document',
  'notify',
  'deliver',
  'appointment',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const DELIVERY_TARGETS = ['email', 'webhook', 'fit-connect'] as const;

/**
 * A value an adopting tenant sets. In the file, money is written in euros (`30.70`); inside the
 * platform and in rules it is whole cents (`3070`). Durations are ISO 8601 (`P1Y`, `P6M`, `P14D`).
 */
export interface ParameterDefinition {
  type: ParameterType;
  label: LocalizedText;
  description?: LocalizedText;
  /** The adopter must set it; a parameter with a default is never required. */
  required?: boolean;
  default?: ParameterValue;
  /** For `enum`: the values allowed. */
  options?: { value: string; label: LocalizedText }[];
  /** For `money`: bounds in euros. */
  min?: number;
  max?: number;
}

/** A parameter's value as the platform holds it (money in cents, text localized, office by id). */
export type ParameterValue = number | string | LocalizedText | string[];

export interface StepDefinition {
  id: string;
  /** One of {@link STEP_KINDS} or a kind another module registers with the workflow. */
  kind: string;
  /** The step runs only when the rule holds (over `answers` and `params`). */
  when?: Rule;
  /** identity: the trust level the citizen must reach. */
  level?: TrustLevel;
  /** review, deliver, appointment: the parameter naming the responsible office. */
  office?: string;
  /** document: which document template; notify: which message template. */
  template?: string;
  /** notify: who is told. */
  to?: 'applicant' | 'office';
  /** deliver: where the submission goes. */
  target?: (typeof DELIVERY_TARGETS)[number];
  /** appointment: the service booked (a service key of the office's calendar in `tenant.yaml`). */
  service?: string;
}

/**
 * Which answers hold the applicant's name and postal address: ids of form fields. A definition
 * without it falls back to the fields `vorname`, `nachname` and `name`.
 */
export interface ApplicantFields {
  givenName?: string;
  familyName?: string;
  /** The whole name in one field, where the form does not split it. */
  name?: string;
  /** The postal address, where a document or the office needs it. */
  address?: string;
}

export interface FeeRule {
  id: string;
  label: LocalizedText;
  /** JSONLogic giving whole cents. */
  amount: Rule;
  /** The fee applies only when this holds. */
  when?: Rule;
}

export interface DocumentTemplate {
  title: LocalizedText;
  /** Handlebars over `answers`, `params`, `tenant`, `application`, `validUntil`. */
  body: LocalizedText;
  /** JSONLogic giving an ISO 8601 duration, e.g. `{"var": "params.validity"}`; omitted: no expiry. */
  validFor?: Rule;
}

export interface MessageTemplate {
  subject: LocalizedText;
  body: LocalizedText;
}

export interface LegalBasis {
  title: string;
  url?: string;
}

/**
 * One version of a process definition, as written in
 * `tenants/<owner>/processes/<key>/<version>.yaml` (see `docs/process-definitions.md`).
 */
export interface ProcessDefinition {
  key: string;
  version: string;
  visibility: Visibility;
  /** LeiKa key: 14 digits beginning with 99. */
  leika: string;
  title: LocalizedText;
  summary: LocalizedText;
  /** Handlebars over `params`. */
  description?: LocalizedText;
  /** Ids from the shipped lists of Lebenslagen and Unternehmenslagen. */
  lebenslagen: string[];
  /** Further words a citizen might search for. */
  keywords?: string[];
  requiredDocuments?: LocalizedText[];
  processingTime?: LocalizedText;
  legalBasis?: LegalBasis[];
  /** The level the whole process needs; an `identity` step may ask for more. */
  trustLevel: TrustLevel;
  /**
   * How long applications are kept after their final status, and what happens then: an ISO 8601
   * duration (which anonymises) or `{ after, action }`. None: they are kept.
   */
  retention?: string | RetentionRule;
  /** What changed in this version. */
  changes?: LocalizedText;
  parameters: Record<string, ParameterDefinition>;
  form: FormDefinition;
  /** Where the applicant's name and address are among the answers. */
  applicant?: ApplicantFields;
  steps: StepDefinition[];
  fees: FeeRule[];
  documents?: Record<string, DocumentTemplate>;
  messages?: Record<string, MessageTemplate>;
}
