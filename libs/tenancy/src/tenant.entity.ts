import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  ManyToOne,
  JoinColumn,
  PrimaryColumn,
} from 'typeorm';
import type { TenantKind, TenantStatus } from './tenant-file';

/** A tenant as stored: a platform table, read by the registry of every instance. */
@Entity({ name: 'tenants', schema: 'public' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'text' })
  kind: TenantKind;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'char', length: 8, nullable: true })
  ags: string | null;

  @Column({ type: 'text' })
  status: TenantStatus;

  @Column({ name: 'region_slug', type: 'text', nullable: true })
  regionSlug: string | null;

  /** The validated tenant file. */
  @Column({ type: 'jsonb', default: {} })
  config: Record<string, unknown>;

  @Column({ name: 'config_hash', type: 'text', default: '' })
  configHash: string;

  /** Why the tenant is stopped; null while its configuration is sound. */
  @Column({ name: 'config_error', type: 'text', nullable: true })
  configError: string | null;

  @Column({ type: 'integer', default: 1 })
  revision: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany(() => TenantDomainEntity, (d) => d.tenant)
  domains: TenantDomainEntity[];
}

/** A host name a tenant answers on. */
@Entity({ name: 'tenant_domains', schema: 'public' })
export class TenantDomainEntity {
  @PrimaryColumn({ type: 'text' })
  domain: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => TenantEntity, (t) => t.domains, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant: TenantEntity;
}
