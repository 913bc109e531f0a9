import { CASEWORK_DEFAULTS, TenantFile, TenantKind, TenantStatus } from './tenant-file';

/** A tenant as the running platform knows it (frozen; replaced whole when it changes). */
export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly kind: TenantKind;
  readonly name: string;
  readonly ags: string | null;
  readonly status: TenantStatus;
  readonly regionSlug: string | null;
  readonly domains: readonly string[];
  readonly config: Readonly<TenantFile>;
  /** Set when the tenant's file is broken: the tenant answers a maintenance page. */
  readonly configError: string | null;
  readonly revision: number;
  /** Where the configuration lives: `tenants/` (the sync writes it) or the console's database rows. */
  readonly source: TenantSource;
  /** Set while an operator has suspended the tenant: the message its citizens see. */
  readonly suspension: TenantSuspension | null;
}

/** Where a tenant's configuration lives. */
export type TenantSource = 'files' | 'console';

/** An operator's suspension of a tenant; `tenants sync` leaves it alone. */
export interface TenantSuspension {
  message: string;
  since: Date;
}

/** Whether the tenant serves its portal (not broken, not suspended by its file or by an operator). */
export const isServing = (tenant: Tenant): boolean =>
  tenant.configError === null && tenant.status !== 'suspended' && tenant.suspension === null;

/** The tenant's casework time limits in days, each with its default where the file sets none. */
export interface CaseworkSettings {
  reminderDays: number;
  closeDays: number;
  overdueDays: number;
}

export const caseworkSettings = (tenant: Pick<Tenant, 'config'>): CaseworkSettings => ({
  reminderDays: tenant.config.casework?.reminderDays ?? CASEWORK_DEFAULTS.reminderDays,
  closeDays: tenant.config.casework?.closeDays ?? CASEWORK_DEFAULTS.closeDays,
  overdueDays: tenant.config.casework?.overdueDays ?? CASEWORK_DEFAULTS.overdueDays,
});
