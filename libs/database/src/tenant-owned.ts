import { Column, CreateDateColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Base of every tenant-owned entity: a uuid id and the owning tenant. */
export abstract class TenantOwned {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
