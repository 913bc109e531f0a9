import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantTransactions, takeWriteLock } from '@openrathaus/database';
import { HandlesJob, JobHandler, JobPayload, JobQueues } from '@openrathaus/jobs';
import { TENANT_REFRESH_JOB, TENANTS_QUEUE, TenantsRepository } from '@openrathaus/tenancy';
import { DefinitionIndex, officeAppointments, resolveAdoptions } from './adoption/adoption';
import { CatalogStore } from './catalog-store.service';

export const CATALOG_QUEUE = 'catalog';
export const CATALOG_RESOLVE_JOB = 'catalog.resolve';

/**
 * Brings one tenant's service list up to date after a definition it adopts got a new version:
 * resolves its ranges again, writes the list when it changed, raises the tenant's revision and
 * lets every instance reload it. A repeated job finds nothing to change.
 */
@Injectable()
@HandlesJob(CATALOG_QUEUE, CATALOG_RESOLVE_JOB)
export class CatalogResolveHandler implements JobHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly store: CatalogStore,
    private readonly jobs: JobQueues,
    private readonly tenants: TenantsRepository,
  ) {}

  async handle(payload: JobPayload): Promise<string> {
    const outcome = await this.dataSource.transaction(async (em) => {
      await takeWriteLock(em, 'tenants');
      const tenant = await this.tenants.sound(em, payload.tenantId);
      if (!tenant) return 'gone';
      const { slug, config } = tenant;
      const refs = (config.services ?? []).map((s) => s.definition);
      const index = new DefinitionIndex();
      for (const v of await this.store.published(em, [payload.tenantId], refs)) index.add(v);
      const offices = (config.offices ?? []).map((o) => o.id);
      const { resolved, faults } = resolveAdoptions(
        { slug, file: `tenants/${slug}/tenant.yaml`, offices, appointments: officeAppointments(config.offices ?? []) },
        config.services ?? [],
        index,
      );
      // Its file was sound at the last sync; what no longer resolves waits for the next one to say why.
      if (faults.length) return 'unresolved';
      const scope = await this.transactions.within(em, payload.tenantId);
      if (!(await this.store.writeServices(scope, { ags: config.ags, kind: config.kind }, resolved)))
        return 'unchanged';
      await this.tenants.raiseRevision(em, payload.tenantId);
      return 'changed';
    });
    if (outcome === 'changed')
      await this.jobs.enqueue(TENANTS_QUEUE, TENANT_REFRESH_JOB, { tenantId: payload.tenantId });
    return outcome;
  }
}
