import { Injectable } from '@nestjs/common';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { IdentityError, IdentityErrorCode } from './identity.error';

/** Where a tenant's citizen accounts live: the region's tenant for a member of a region, else itself. */
export function realmIdOf(tenant: Tenant, region: (slug: string) => Tenant | undefined): string {
  if (!tenant.regionSlug) return tenant.id;
  const realm = region(tenant.regionSlug);
  // A member whose region is missing must not quietly open a realm of its own: its accounts would
  // be lost to the region once the region is back.
  if (!realm) throw new IdentityError(IdentityErrorCode.RealmUnavailable, { region: tenant.regionSlug });
  return realm.id;
}

/** Citizen identity is regional: one account works on every portal of a region. */
@Injectable()
export class CitizenRealms {
  constructor(private readonly registry: TenantRegistry) {}

  /** The realm's tenant id of a tenant (the key of its citizens' rows under row-level security). */
  realmOf(tenant: Tenant): string {
    return realmIdOf(tenant, (slug) => this.registry.get(slug));
  }

  /** The realm's tenant. */
  realmTenant(tenant: Tenant): Tenant {
    return this.registry.getById(this.realmOf(tenant)) ?? tenant;
  }

  /** An absolute link on the tenant's portal (in e-mails). */
  link(tenant: Tenant, path: string): string {
    return new URL(path, this.registry.portalUrl(tenant)).toString();
  }
}
