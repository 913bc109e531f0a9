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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
