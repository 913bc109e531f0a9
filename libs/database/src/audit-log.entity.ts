import { Column, Entity } from 'typeorm';
import { TenantOwned } from './tenant-owned';

/** One audited event of a tenant: who did what to which subject. Append-only. */
@Entity({ name: 'audit_log', schema: 'public' })
export class AuditLogEntry extends TenantOwned {
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', nullable: true })
  actor: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'jsonb', default: {} })
  data: Record<string, unknown>;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId: string | null;
}
