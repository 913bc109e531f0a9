import { Column, Entity, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '@openrathaus/database';

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'payment_pending',
  'paid',
  'in_review',
  'needs_info',
  'approved',
  'rejected',
  'completed',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * An application (Antrag). It records the exact definition version it began with: later versions
 * of the service never change a draft or a submitted application.
 */
@Entity({ name: 'applications' })
export class ApplicationEntity extends TenantOwned {
  @Column({ name: 'service_key', type: 'text' })
  serviceKey: string;

  @Column({ name: 'definition_id', type: 'uuid' })
  definitionId: string;

  @Column({ name: 'definition_ref', type: 'text', comment: 'owner/key@version, for people reading the row' })
  definitionRef: string;

  @Column({ type: 'text' })
  status: ApplicationStatus;

  @Column({ type: 'jsonb', default: {} })
  answers: Record<string, unknown>;

  /** The tenant's parameters as they were when the application began (money in cents). */
  @Column({ type: 'jsonb', default: {} })
  parameters: Record<string, unknown>;

  /** The citizen's account (in the tenant's realm) that owns the application. */
  @Column({ name: 'citizen_id', type: 'uuid', nullable: true })
  citizenId: string | null;

  /** Readable number per tenant and year (`RE-2026-000123`), given on submission. */
  @Column({ type: 'text', nullable: true })
  number: string | null;

  /** The language the citizen applied in; messages and documents follow it. */
  @Column({ type: 'text', default: 'de' })
  locale: string;

  /** The form page the citizen last saved, to continue there. */
  @Column({ name: 'last_page', type: 'text', nullable: true })
  lastPage: string | null;

  /** How many of the definition's steps are done. */
  @Column({ name: 'step_index', type: 'integer', default: 0 })
  stepIndex: number;

  /** The fee computed on the server at submission, in cents. */
  @Column({ name: 'fee_cents', type: 'integer', nullable: true })
  feeCents: number | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /**
   * Once the address the citizen submitted on. No longer written nor read: links come from the
   * tenant ({@link tenantBaseUrl} in tenancy), never from a request's Host header.
   */
  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl: string | null;

  /** The office of the tenant that reviews it (from the definition's review step), once submitted. */
  @Column({ type: 'text', nullable: true })
  office: string | null;

  /** The member of staff who has it in hand. */
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  /** Whom it is for, as the definition names the applicant, and the account's confirmed address: for the search. */
  @Column({ name: 'applicant_name', type: 'text', nullable: true })
  applicantName: string | null;

  @Column({ name: 'applicant_email', type: 'text', nullable: true })
  applicantEmail: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', default: () => 'now()' })
  statusChangedAt: Date;

  /** When it was approved or rejected. */
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** When retention removed its personal data; the row stays for the statistics. */
  @Column({ name: 'anonymised_at', type: 'timestamptz', nullable: true })
  anonymisedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A file a citizen uploaded for a file field of an application; the bytes are in the file storage. */
@Entity({ name: 'attachments' })
export class AttachmentEntity extends TenantOwned {
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  /** The field's path in the answers (`zulassung`). */
  @Column({ type: 'text' })
  field: string;

  /** The name the citizen's file had, cleaned for display. */
  @Column({ type: 'text' })
  filename: string;

  /** The type found in the content, not the one the browser declared. */
  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;
}
