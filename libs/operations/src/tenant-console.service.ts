import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, FieldFault, findContext } from '@openrathaus/core';
import { Applications } from '@openrathaus/applications';
import {
  AdoptionEntry,
  CATALOG_QUEUE,
  CATALOG_RESOLVE_JOB,
  CatalogService,
  DefinitionIndex,
  ProcessDefinitionsRepository,
  resolveAdoptions,
} from '@openrathaus/catalog';
import { AuditEntry, AuditLog, ConsoleScope, ConsoleTransactions, TenantTransactions } from '@openrathaus/database';
import { IdentityError, StaffAccounts, StaffMember, checkEmail } from '@openrathaus/identity';
import { JobQueues } from '@openrathaus/jobs';
import {
  TENANT_REFRESH_JOB,
  TENANTS_QUEUE,
  Tenant,
  TenantFault,
  TenantFile,
  TenantRecord,
  TenantRegistry,
  TenantsRepository,
  checkAmongTenants,
  checkTenantConfig,
  faultMessage,
  tenantLoadOptions,
} from '@openrathaus/tenancy';
import { OperationsError, OperationsErrorCode } from './operations.error';
import type { OperatorSession } from './operator-session';
import { DEFAULT_OFFICE, tenantDefaults, tenantYaml } from './tenant-defaults';
import { TenantErrorsRepository } from './tenant-errors.repository';

/** One tenant as the console lists it (`GET /api/v1/operator/tenants`). */
export interface TenantOverview {
  slug: string;
  name: string;
  kind: string;
  /** pilot, live, suspended (by its file or an operator) or stopped (its file is broken). */
  status: string;
  domains: string[];
  region: string | null;
  revision: number;
  /** Services offered: online and by link together. */
  services: number;
  servicesOnline: number;
  servicesLink: number;
  applications30d: number;
  errors24h: number;
  /** When its row was last written (a sync, an onboarding, a suspension). */
  lastSync: string;
  /** Where its configuration lives: `files` (tenants/) or `console` (the database). */
  source: string;
  suspension: { message: string; since: string } | null;
}

/** A tenant's detail page: configuration, services with their versions, staff, audit trail. */
export interface TenantDetail {
  overview: TenantOverview;
  config: TenantFile;
  configError: string | null;
  services: { key: string; type: string; title: string; definition?: string; version?: string; range?: string }[];
  staff: StaffMember[];
  audit: AuditEntry[];
}

/** What the onboarding answers: the new tenant and its first tenant admin's one-time password. */
export interface Onboarded {
  id: string;
  slug: string;
  domains: string[];
  services: number;
  admin: { email: string; password: string };
}

const DAY = 24 * 3600_000;
const MAX_MESSAGE = 1000;

/**
 * The operator's view of every tenant and the changes an operator makes to them: the list with
 * its counts, a tenant's details, onboarding a new one, suspending and resuming. Reads across
 * tenants and writes of `tenants` run as the console's database role; every action is audited.
 */
@Injectable()
export class TenantConsole {
  constructor(
    private readonly console: ConsoleTransactions,
    private readonly transactions: TenantTransactions,
    private readonly dataSource: DataSource,
    private readonly tenantRows: TenantsRepository,
    private readonly registry: TenantRegistry,
    private readonly catalog: CatalogService,
    private readonly definitions: ProcessDefinitionsRepository,
    private readonly applications: Applications,
    private readonly errors: TenantErrorsRepository,
    private readonly staff: StaffAccounts,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every tenant with its counts, by slug. */
  async list(now = new Date()): Promise<TenantOverview[]> {
    return this.console.run(async (scope) => {
      const records = await this.tenantRows.consoleRecords(scope);
      const services = await this.catalog.serviceCounts(scope);
      const applications = await this.applications.submittedSinceByTenant(scope, new Date(now.getTime() - 30 * DAY));
      const errors = await this.errors.since(scope, new Date(now.getTime() - DAY));
      return records.map((r) => overview(r, services.get(r.id), applications.get(r.id) ?? 0, errors.get(r.id) ?? 0));
    });
  }

  /** One tenant's overview, configuration, services, staff and audit trail; the view is audited. */
  async detail(slug: string, operator: OperatorSession): Promise<TenantDetail> {
    const item = (await this.list()).find((t) => t.slug === slug);
    const tenant = item && (await this.current(slug));
    if (!item || !tenant) throw new OperationsError(OperationsErrorCode.TenantNotFound, { slug });
    await this.record(tenant.id, operator, 'operator.tenant_viewed', {});
    const services = await this.catalog.list(tenant);
    const staff = await this.staff.members(tenant.id);
    const audit = await this.transactions.run(tenant.id, (scope) => this.audit.page(scope, { limit: 50 }));
    return {
      overview: item,
      config: tenant.config,
      configError: tenant.configError,
      services: services.map((s) => ({
        key: s.key,
        type: s.type,
        title: s.title.de ?? s.key,
        ...(s.definition
          ? {
              definition: `${s.definition.owner}/${s.definition.key}`,
              version: s.definition.version,
              range: s.definition.range,
            }
          : {}),
      })),
      staff,
      audit,
    };
  }

  /**
   * Onboards a new tenant from the fields of a `tenant.yaml` (missing ones take the defaults of
   * `tenants new`) and `adminEmail`, its first tenant admin. Checked with the rules and messages
   * of tenant files (in `locale`) and against the tenants that exist; 422 names every faulty
   * field. The tenant adopts every shared definition it can (with its Bürgerbüro as office) and
   * shows the link services of Bund and Land; every instance serves it once the worker has
   * written its services and announced it.
   */
  async onboard(input: unknown, operator: OperatorSession, locale: string): Promise<Onboarded> {
    const lang = locale === 'en' ? 'en' : 'de';
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new OperationsError(OperationsErrorCode.InvalidTenant, {}, [{ field: '(body)', key: 'invalid' }]);
    }
    const { adminEmail, ...fields } = input as Record<string, unknown>;
    const faults: FieldFault[] = [];
    let admin: string | undefined;
    try {
      admin = checkEmail(adminEmail, 'adminEmail');
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      faults.push(...error.fields);
    }
    const slug = typeof fields.slug === 'string' ? fields.slug : '';
    const ags = typeof fields.ags === 'string' ? fields.ags : '';
    const merged = { ...tenantDefaults({ slug, ags }), ...fields };
    if (merged.services === undefined) merged.services = await this.sharedAdoptions(slug, merged.offices);
    const file = 'tenant.yaml';
    // No folder: a console tenant has no assets, so a logo or coat of arms named is missing.
    const checked = checkTenantConfig(merged, slug, file, '/nonexistent', tenantLoadOptions(this.config));
    const tenantFaults: TenantFault[] = [...checked.faults];
    const existing = await this.console.run((scope) => this.tenantRows.consoleRecords(scope));
    // Checked against the others even while other fields are wrong, so that every faulty field is named at once.
    const named = new Set(tenantFaults.map((f) => f.field));
    tenantFaults.push(
      ...checkAmongTenants(checked.config ?? claims(merged), file, existing.map(asTenantLike)).filter(
        (f) => !named.has(f.field),
      ),
    );
    faults.push(...tenantFaults.map((f) => ({ field: f.field, key: faultMessage(f, lang) })));
    if (faults.length || !checked.config || !admin) {
      throw new OperationsError(OperationsErrorCode.InvalidTenant, {}, faults);
    }
    const config = checked.config;
    const serviceFaults = await this.adoptionFaults(config);
    if (serviceFaults.length) throw new OperationsError(OperationsErrorCode.InvalidTenant, {}, serviceFaults);
    const plain = JSON.parse(JSON.stringify(config)) as TenantFile;
    const id = await this.console.run(async (scope) => {
      const created = await this.tenantRows.createFromConsole(
        scope,
        config.slug,
        {
          kind: config.kind,
          name: config.name,
          ags: config.ags ?? null,
          status: config.status,
          regionSlug: config.region ?? null,
          config: plain,
          hash: 'console',
        },
        config.domains ?? [],
      );
      await this.audit.recordByOperator(
        scope,
        created,
        entry(operator, 'operator.tenant_onboarded', config.slug, {
          slug: config.slug,
          domains: config.domains ?? [],
          admin,
        }),
      );
      return created;
    });
    const account = await this.staff.add(id, admin, 'tenant-admin');
    // The worker writes the service list, raises the revision and lets every instance load the tenant.
    await this.jobs.enqueue(CATALOG_QUEUE, CATALOG_RESOLVE_JOB, { tenantId: id });
    await this.jobs.enqueue(TENANTS_QUEUE, TENANT_REFRESH_JOB, { tenantId: id });
    return {
      id,
      slug: config.slug,
      domains: config.domains ?? [],
      services: (config.services ?? []).length,
      admin: { email: admin, password: account.password },
    };
  }

  /** Suspends a tenant: its citizens see `message` on a maintenance page, on every instance. */
  async suspend(slug: string, message: unknown, operator: OperatorSession): Promise<void> {
    if (typeof message !== 'string' || !message.trim()) {
      throw new OperationsError(OperationsErrorCode.InvalidInput, {}, [{ field: 'message', key: 'required' }]);
    }
    if (message.length > MAX_MESSAGE) {
      throw new OperationsError(OperationsErrorCode.InvalidInput, {}, [{ field: 'message', key: 'too_long' }]);
    }
    await this.setSuspension(slug, message.trim(), operator);
  }

  /** Ends a suspension. */
  async resume(slug: string, operator: OperatorSession): Promise<void> {
    await this.setSuspension(slug, null, operator);
  }

  /** The tenant's configuration as a `tenant.yaml`; the export is audited. */
  async exportYaml(slug: string, operator: OperatorSession): Promise<string> {
    const tenant = await this.current(slug);
    if (!tenant) throw new OperationsError(OperationsErrorCode.TenantNotFound, { slug });
    await this.record(tenant.id, operator, 'operator.tenant_exported', {});
    return tenantYaml(
      tenant.config,
      `tenants/${slug}/tenant.yaml, exported from the operator console (${tenant.source === 'console' ? 'onboarded there' : 'synced from tenants/'})`,
    );
  }

  /** The operators' actions across tenants, newest first (one tenant's with `slug`). */
  async trail(limit = 100): Promise<AuditEntry[]> {
    return this.console.run((scope) => this.audit.operatorTrail(scope, { limit }));
  }

  private async setSuspension(slug: string, message: string | null, operator: OperatorSession): Promise<void> {
    const tenant = await this.current(slug);
    if (!tenant) throw new OperationsError(OperationsErrorCode.TenantNotFound, { slug });
    await this.console.run(async (scope) => {
      if (!(await this.tenantRows.setSuspension(scope, tenant.id, message))) {
        throw new OperationsError(OperationsErrorCode.TenantNotFound, { slug });
      }
      await this.audit.recordByOperator(
        scope,
        tenant.id,
        entry(operator, message === null ? 'operator.tenant_resumed' : 'operator.tenant_suspended', slug, {
          ...(message === null ? {} : { message }),
        }),
      );
    });
    await this.jobs.enqueue(TENANTS_QUEUE, TENANT_REFRESH_JOB, { tenantId: tenant.id });
  }

  private async record(tenantId: string, operator: OperatorSession, action: string, data: Record<string, unknown>) {
    const slug = this.registry.getById(tenantId)?.slug ?? null;
    await this.console.run((scope: ConsoleScope) =>
      this.audit.recordByOperator(scope, tenantId, entry(operator, action, slug, data)),
    );
  }

  /** The tenant as this instance knows it, loaded from the database when another instance created it just now. */
  private async current(slug: string): Promise<Tenant | undefined> {
    const known = this.registry.get(slug);
    if (known) return known;
    const row = (await this.console.run((scope) => this.tenantRows.consoleRecords(scope))).find((r) => r.slug === slug);
    return row ? this.registry.reload(row.id) : undefined;
  }

  /**
   * Every shared definition, newest major, with the new tenant's Bürgerbüro for each office
   * parameter and the first choice for other required ones without a default.
   */
  private async sharedAdoptions(slug: string, offices: unknown): Promise<AdoptionEntry[]> {
    const versions = await this.dataSource.transaction((em) => this.definitions.published(em, []));
    const newest = new Map<string, (typeof versions)[number]>();
    for (const v of versions) {
      if (v.visibility !== 'shared') continue;
      const ref = `${v.owner}/${v.key}`;
      const seen = newest.get(ref);
      if (!seen || major(v.version) > major(seen.version)) newest.set(ref, v);
    }
    const officeIds = Array.isArray(offices)
      ? offices
          .map((o) => (o && typeof o === 'object' ? (o as { id?: unknown }).id : undefined))
          .filter((id) => typeof id === 'string')
      : [];
    const office = officeIds.includes(DEFAULT_OFFICE) ? DEFAULT_OFFICE : (officeIds[0] as string | undefined);
    const entries: AdoptionEntry[] = [];
    for (const [ref, v] of [...newest].sort(([a], [b]) => a.localeCompare(b))) {
      const parameters: Record<string, unknown> = {};
      for (const [name, p] of Object.entries(v.definition.parameters ?? {})) {
        if (p.type === 'office' && office) parameters[name] = office;
        else if (p.default === undefined && p.required && p.type === 'enum' && p.options?.length) {
          parameters[name] = p.options[0].value;
        }
      }
      entries.push({ definition: ref, version: `^${major(v.version)}`, parameters });
    }
    const index = new DefinitionIndex();
    for (const v of versions) index.add(v);
    const { resolved } = resolveAdoptions({ slug, file: 'tenant.yaml', offices: officeIds }, entries, index);
    const ok = new Set(resolved.map((r) => r.ref));
    return entries.filter((e) => ok.has(e.definition));
  }

  /** Faults of the services a new tenant names: definitions, ranges and parameters, as the sync checks them. */
  private async adoptionFaults(config: TenantFile): Promise<FieldFault[]> {
    const entries = (config.services ?? []) as AdoptionEntry[];
    if (!entries.length) return [];
    const versions = await this.dataSource.transaction((em) => this.definitions.published(em, []));
    const index = new DefinitionIndex();
    for (const v of versions) index.add(v);
    const offices = (config.offices ?? []).map((o) => o.id);
    const { faults } = resolveAdoptions({ slug: config.slug, file: 'tenant.yaml', offices }, entries, index);
    return faults.map((f) => ({ field: f.path, key: f.key, params: f.params as Record<string, unknown> }));
  }
}

const major = (version: string): number => Number(version.split('.')[0]) || 0;

const entry = (operator: OperatorSession, action: string, subject: string | null, data: Record<string, unknown>) => ({
  action,
  actor: operator.operatorId,
  subject,
  data: { operator: operator.email, ...data },
  correlationId: findContext()?.correlationId ?? null,
});

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What a new tenant claims (slug, domains, AGS, region, district), read from unchecked fields. */
const claims = (fields: Record<string, unknown>): TenantFile =>
  ({
    slug: text(fields.slug) ?? '',
    kind: 'municipality',
    ags: text(fields.ags),
    domains: Array.isArray(fields.domains) ? fields.domains.filter((d): d is string => typeof d === 'string') : [],
    region: text(fields.region),
    district: text(fields.district),
  }) as TenantFile;

const asTenantLike = (r: TenantRecord): Tenant =>
  ({ slug: r.slug, kind: r.kind, ags: r.ags, domains: r.domains }) as unknown as Tenant;

function overview(
  r: TenantRecord & { updated_at: Date },
  services: { online: number; link: number } | undefined,
  applications30d: number,
  errors24h: number,
): TenantOverview {
  const suspended = r.suspended_at !== null;
  return {
    slug: r.slug,
    name: r.name,
    kind: r.kind,
    status: r.config_error ? 'stopped' : suspended ? 'suspended' : r.status,
    domains: r.domains,
    region: r.region_slug,
    revision: r.revision,
    services: (services?.online ?? 0) + (services?.link ?? 0),
    servicesOnline: services?.online ?? 0,
    servicesLink: services?.link ?? 0,
    applications30d,
    errors24h,
    lastSync: new Date(r.updated_at).toISOString(),
    source: r.source,
    suspension: suspended
      ? { message: r.suspension_message ?? '', since: new Date(r.suspended_at as Date).toISOString() }
      : null,
  };
}
