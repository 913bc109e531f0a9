import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantTransactions } from '@openrathaus/database';
import {
  LoadedTenant,
  SyncReport,
  TenantSync,
  TenantSyncStep,
  TenantsRepository,
  codeFingerprint,
} from '@openrathaus/tenancy';
import { CatalogCheck, checkCatalog } from './catalog-check';
import { CatalogStore } from './catalog-store.service';
import { formatDefinitionFault } from './definition/definition-fault';
import { StepKinds } from './step-kinds.service';

/**
 * The catalogue's part of `tenants sync`: publishes new definition versions found below the
 * tenants folder (a changed published version is refused and the old one keeps serving), checks
 * every adoption, and writes each tenant's service list with the versions its ranges pick.
 */
@Injectable()
export class CatalogSync implements TenantSyncStep {
  private readonly logger = new Logger(CatalogSync.name);
  private readonly checks = new WeakMap<SyncReport, CatalogCheck>();

  constructor(
    tenantSync: TenantSync,
    private readonly store: CatalogStore,
    private readonly transactions: TenantTransactions,
    private readonly stepKinds: StepKinds,
    private readonly tenants: TenantsRepository,
  ) {
    // Registered as soon as the module is built: a sync may run before the application's init hooks.
    tenantSync.addStep(this);
  }

  /** The catalogue's code, its step kinds and what is published and adopted, for the sync's fingerprint. */
  async state(em: EntityManager): Promise<string> {
    return [codeFingerprint(__dirname), JSON.stringify(this.stepKinds.table()), await this.store.syncState(em)].join(
      ' ',
    );
  }

  async check(em: EntityManager, dir: string, report: SyncReport): Promise<void> {
    const ids = await this.tenants.idsBySlug(em);
    // Private versions matter only to their owner: to check its files, or for its own adoptions
    // (published through the API, perhaps). With thousands of tenants, most are neither.
    const owners = report.tenants
      .filter(
        (t) =>
          existsSync(join(t.dir, 'processes')) ||
          (t.config?.services ?? []).some((s) => s.definition.startsWith(`${t.slug}/`)),
      )
      .map((t) => ids.get(t.slug))
      .filter((id): id is string => id !== undefined);
    const published = await this.store.published(em, owners);
    const check = checkCatalog(dir, report.tenants, published, this.stepKinds.table());
    for (const fault of check.definitionFaults) {
      const line = formatDefinitionFault(fault);
      report.problems.push(line);
      this.logger.error(`Process definition not published: ${line}`);
    }
    for (const note of check.notes) {
      const line = formatDefinitionFault(note);
      report.problems.push(line);
      this.logger.warn(`Adoption behind its newest version: ${line}`);
    }
    this.checks.set(report, check);
  }

  async apply(em: EntityManager, sound: { tenant: LoadedTenant; id: string }[], report: SyncReport): Promise<string[]> {
    const check = this.checks.get(report);
    if (!check) return [];
    const ids = await this.tenants.idsBySlug(em);
    for (const loaded of check.toPublish) {
      const owner = ids.get(loaded.owner);
      const definition = loaded.definition;
      if (!owner || !definition) continue;
      const scope = await this.transactions.within(em, owner);
      const id = await this.store.insertDefinition(scope, loaded.owner, definition, 'sync');
      const ref = `${loaded.owner}/${loaded.key}`;
      const entry = check.index.versions(ref).find((v) => v.version === loaded.version);
      if (entry) entry.id = id;
      report.actions.push(`published ${ref}@${loaded.version}`);
    }
    const changed: string[] = [];
    const stored = await this.tenants.servicesStates(em);
    for (const { tenant, id } of sound) {
      const adoptions = check.adoptions.get(tenant.slug);
      if (!adoptions || !tenant.config) continue;
      const plan = this.store.plan({ ags: tenant.config.ags, kind: tenant.config.kind }, adoptions);
      // Most tenants are unchanged in most syncs: they cost no query at all.
      if (stored.get(id) === plan.state) continue;
      const scope = await this.transactions.within(em, id);
      if (await this.store.write(scope, plan)) {
        changed.push(id);
        report.actions.push(
          `${tenant.slug}: ${adoptions.map((a) => `${a.chosen.key}@${a.chosen.version}`).join(', ') || 'link services only'}`,
        );
      }
    }
    return changed;
  }
}
