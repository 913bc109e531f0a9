import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { OwnerTransactions, takeWriteLock } from '@openrathaus/database';
import { JobQueues } from '@openrathaus/jobs';
import { formatFault } from './tenant-fault';
import { LoadedTenant, loadTenantDir, tenantLoadOptions } from './tenant-file.loader';
import { codeFingerprint, folderFingerprint } from './folder-fingerprint';
import { TENANT_REFRESH_JOB, TENANTS_QUEUE } from './tenant-refresh.handler';
import { TenantSyncState, TenantsRepository } from './tenants.repository';

export interface SyncReport {
  tenants: LoadedTenant[];
  /** Faults that stop no tenant (e.g. a broken process definition, which is not published). */
  problems: string[];
  /** What the steps did, a line each (e.g. `published gelsenkirchen/bewohnerparkausweis@1.3.0`). */
  actions: string[];
  created: string[];
  updated: string[];
  /** Tenants whose file is broken: they answer a maintenance page until it is mended. */
  stopped: string[];
  unchanged: string[];
}

/**
 * A part of the sync that another lib contributes (the catalog: process definitions and the
 * services each tenant adopts). Both calls run in the sync's one transaction.
 */
export interface TenantSyncStep {
  /** Before anything is written: checks needing every tenant and the database; adds faults to tenants. */
  check(em: EntityManager, dir: string, report: SyncReport): Promise<void>;
  /** After the tenants are written: returns the ids of tenants whose served state changed. */
  apply(em: EntityManager, sound: { tenant: LoadedTenant; id: string }[], report: SyncReport): Promise<string[]>;
  /** What the step's tables look like now (counts, last changes): part of a sync's fingerprint. */
  state(em: EntityManager): Promise<string>;
}

/** A start's sync that found the folder and the database as the last sync left them. */
export interface SkippedSync {
  skipped: true;
  syncedAt: Date;
}

/**
 * Brings the database in line with `tenants/`: creates and updates tenants and their domains,
 * stops those whose file is broken, and announces every change to the running instances. The
 * application role may only read `tenants` and `tenant_domains`: the sync writes them as the
 * schema owner (`DATABASE_OWNER_URL`).
 */
@Injectable()
export class TenantSync {
  private readonly logger = new Logger(TenantSync.name);
  private readonly steps: TenantSyncStep[] = [];

  constructor(
    private readonly owner: OwnerTransactions,
    private readonly jobs: JobQueues,
    private readonly tenantRows: TenantsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Adds a step; libs register theirs when their module starts. */
  addStep(step: TenantSyncStep): void {
    if (!this.steps.includes(step)) this.steps.push(step);
  }

  /**
   * Syncs unless nothing changed since the last sync of `dir`: the same files (every byte below the
   * folder), the same load options, and the tenants and definitions in the database as that sync
   * left them. A start with thousands of unchanged tenants then reads their files once, to hash
   * them, and parses, validates and plans none.
   */
  async syncIfChanged(dir: string): Promise<SyncReport | SkippedSync> {
    const files = folderFingerprint(dir, JSON.stringify(tenantLoadOptions(this.config)));
    const last = await this.owner.run(async (em) => {
      const stored = await this.tenantRows.syncFingerprint(em, dir);
      return stored && { ...stored, now: await this.fingerprint(em, files) };
    });
    if (last && last.fingerprint === last.now) return { skipped: true, syncedAt: last.syncedAt };
    return this.sync(dir, files);
  }

  async sync(dir: string, files?: string): Promise<SyncReport> {
    // Hashed before the files are read for the sync: a file changed in between makes the next start sync again.
    const folder = files ?? folderFingerprint(dir, JSON.stringify(tenantLoadOptions(this.config)));
    const tenants = loadTenantDir(dir, tenantLoadOptions(this.config));
    const report: SyncReport = {
      tenants,
      problems: [],
      actions: [],
      created: [],
      updated: [],
      stopped: [],
      unchanged: [],
    };
    const changed: string[] = [];
    await this.owner.run(async (em) => {
      // One sync or publication at a time: each rewrites service lists that the other reads.
      await takeWriteLock(em, 'tenants');
      const existing = await this.tenantRows.syncStates(em);
      await this.checkForeignDomains(em, tenants);
      for (const step of this.steps) await step.check(em, dir, report);
      // The steps read as the application role, whoever the connection's user is: back to the owner.
      await this.owner.asOwner(em);
      const sound: { tenant: LoadedTenant; id: string }[] = [];
      for (const tenant of tenants) {
        const row = existing.get(tenant.slug);
        if (row?.source === 'console') {
          // Onboarded in the console: its database row is the configuration, a folder of the same name is not.
          report.problems.push(
            `${tenant.file}: tenant "${tenant.slug}" is managed in the operator console; this folder is not synced ` +
              `(export its tenant.yaml from the console to take it over into tenants/)`,
          );
          report.unchanged.push(tenant.slug);
          continue;
        }
        if (tenant.faults.length) {
          const error = tenant.faults.map(formatFault).join('\n');
          if (row?.config_error === error) {
            report.unchanged.push(tenant.slug);
            continue;
          }
          changed.push(await this.stop(em, tenant, row, error));
          report.stopped.push(tenant.slug);
          this.logger.error(`Tenant ${tenant.slug} stopped: its configuration is broken\n${error}`);
        } else if (!row || row.config_hash !== tenant.hash || row.config_error !== null) {
          const id = await this.write(em, tenant, row);
          changed.push(id);
          sound.push({ tenant, id });
          (row ? report.updated : report.created).push(tenant.slug);
        } else {
          sound.push({ tenant, id: row.id });
          report.unchanged.push(tenant.slug);
        }
      }
      const slugOf = new Map(sound.map((s) => [s.id, s.tenant.slug]));
      const touched = new Set(changed);
      const alsoUpdated = new Set<string>();
      for (const step of this.steps) {
        const applied = await step.apply(em, sound, report);
        await this.owner.asOwner(em);
        for (const id of applied) {
          if (touched.has(id)) continue;
          // Its file is unchanged, but what it serves is not (e.g. a new minor version it adopts).
          await this.tenantRows.raiseRevision(em, id);
          touched.add(id);
          changed.push(id);
          alsoUpdated.add(slugOf.get(id) ?? '');
        }
      }
      report.unchanged = report.unchanged.filter((u) => !alsoUpdated.has(u));
      report.updated.push(...alsoUpdated);
      await this.tenantRows.saveSyncFingerprint(em, dir, await this.fingerprint(em, folder));
    });
    // Enqueued after the commit, so that the worker reads what was written.
    for (const tenantId of changed) await this.jobs.enqueue(TENANTS_QUEUE, TENANT_REFRESH_JOB, { tenantId });
    return report;
  }

  /** The folder's hash with the state of the tables a sync writes. */
  private async fingerprint(em: EntityManager, folder: string): Promise<string> {
    const parts = [folder, codeFingerprint(__dirname), await this.tenantRows.syncState(em)];
    for (const step of this.steps) {
      parts.push(await step.state(em));
      await this.owner.asOwner(em);
    }
    return createHash('sha256').update(parts.join('\n')).digest('hex');
  }

  /** A domain already owned by a tenant that is not in this folder is a fault of the newcomer. */
  private async checkForeignDomains(em: EntityManager, tenants: LoadedTenant[]): Promise<void> {
    const owners = await this.tenantRows.domainOwners(em);
    const slugs = new Set(tenants.map((t) => t.slug));
    for (const tenant of tenants) {
      (tenant.config?.domains ?? []).forEach((domain, index) => {
        const other = owners.get(domain);
        if (other && other !== tenant.slug && !slugs.has(other)) {
          tenant.faults.push({ file: tenant.file, field: `domains[${index}]`, key: 'domain_taken', params: { other } });
          tenant.config = undefined;
        }
      });
    }
  }

  private async write(em: EntityManager, tenant: LoadedTenant, row: TenantSyncState | undefined): Promise<string> {
    const c = tenant.config;
    if (!c) throw new Error('unreachable: tenant without config');
    const columns = {
      kind: c.kind,
      name: c.name,
      ags: c.ags ?? null,
      status: c.status,
      regionSlug: c.region ?? null,
      config: c,
      hash: tenant.hash,
    };
    if (!row) return this.tenantRows.create(em, tenant.slug, columns, c.domains ?? []);
    await this.tenantRows.update(em, row.id, columns, c.domains ?? []);
    return row.id;
  }

  /** Marks a tenant stopped, keeping its last sound configuration and domains. */
  private async stop(em: EntityManager, tenant: LoadedTenant, row: TenantSyncState | undefined, error: string) {
    if (!row) return this.tenantRows.createStopped(em, tenant.slug, error);
    await this.tenantRows.stop(em, row.id, error);
    return row.id;
  }
}
