import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { AppConfig, isInternalHost, readYaml } from '@openrathaus/core';
import { contrastRatio } from './contrast';
import { TenantFault, TenantFaultKey, isTenantFaultKey } from './tenant-fault';
import { calendarFaults } from './office-calendar';
import { CONFORMITY, SUPPORTED_LOCALES, TENANT_KINDS, TENANT_STATUSES, TenantFile } from './tenant-file';
import type { Tenant } from './tenant';

/** One tenant folder as read from disk: its configuration when valid, its faults otherwise. */
export interface LoadedTenant {
  slug: string;
  dir: string;
  file: string;
  config?: TenantFile;
  /** Hash of the file's text; unchanged files are not written again. */
  hash: string;
  faults: TenantFault[];
}

const allowedFor: Record<string, string> = {
  kind: TENANT_KINDS.join(', '),
  status: TENANT_STATUSES.join(', '),
  locales: SUPPORTED_LOCALES.join(', '),
  conformity: CONFORMITY.join(', '),
};

function collectFaults(errors: ValidationError[], file: string, parent = ''): TenantFault[] {
  const faults: TenantFault[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    if (constraints.whitelistValidation) {
      faults.push({ file, field, key: 'unknown_field' });
    } else {
      const first = Object.values(constraints)[0];
      if (first !== undefined) {
        const key: TenantFaultKey = isTenantFaultKey(first) ? first : 'invalid';
        const base = field.split('.')[0];
        faults.push({ file, field, key, params: { allowed: allowedFor[base] ?? allowedFor[error.property] ?? '' } });
      }
    }
    if (error.children?.length) faults.push(...collectFaults(error.children, file, field));
  }
  return faults;
}

/**
 * How strictly the addresses of delivery targets are checked: in production (`strict`) only https,
 * and no host that is internal by its name (`localhost`, a private address) unless `allowHosts`
 * names it (`DELIVERY_ALLOW_HOSTS`). The sender checks the resolved address again when connecting.
 */
export interface TenantLoadOptions {
  strict?: boolean;
  allowHosts?: readonly string[];
}

/** The load options of an installation's configuration. */
export const tenantLoadOptions = (config: Pick<AppConfig, 'env' | 'delivery'>): TenantLoadOptions => ({
  strict: config.env === 'production',
  allowHosts: config.delivery.allowHosts,
});

/** Reads and checks one tenant folder on its own (cross-tenant checks come in {@link loadTenantDir}). */
export function loadTenantFolder(dir: string, options: TenantLoadOptions = {}): LoadedTenant {
  const slug = dir.split(/[\\/]/).pop() ?? dir;
  const path = join(dir, 'tenant.yaml');
  const file = relative(process.cwd(), path) || path;
  const base = { slug, dir, file, hash: '', faults: [] as TenantFault[] };
  if (!existsSync(path)) return { ...base, faults: [{ file, field: '(file)', key: 'missing_file' }] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // A file the process may not read (or a folder in its place) stops this tenant, not the sync.
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ...base, faults: [{ file, field: '(file)', key: 'unreadable_file', params: { code } }] };
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const read = readYaml(text, { maxBytes: 256 * 1024, maxDepth: 20 });
  if (!read.ok) {
    if (read.problem === 'not_object') return { ...base, hash, faults: [{ file, field: '(file)', key: 'not_object' }] };
    return { ...base, hash, faults: [{ file, field: '(file)', key: 'yaml', params: { detail: read.detail } }] };
  }
  const checked = checkTenantConfig(read.value, slug, file, dir, options);
  return { ...base, hash, ...checked };
}

/**
 * Checks one tenant's configuration as read from its file (or sent as JSON to the console) on its
 * own: the fields' rules, the slug, fields a kind may not have, the colour's contrast, assets that
 * must exist in `dir`, delivery targets. Checks against other tenants are {@link loadTenantDir}'s
 * (files) and the console's (database).
 */
export function checkTenantConfig(
  value: unknown,
  slug: string,
  file: string,
  dir: string,
  options: TenantLoadOptions = {},
): { config?: TenantFile; faults: TenantFault[] } {
  const config = plainToInstance(TenantFile, value as object);
  const faults = collectFaults(validateSync(config, { whitelist: true, forbidNonWhitelisted: true }), file);
  if (config.slug !== undefined && config.slug !== slug && !faults.some((f) => f.field === 'slug')) {
    faults.push({ file, field: 'slug', key: 'slug_folder', params: { folder: slug } });
  }
  if (config.kind === 'region') {
    for (const field of ['region', 'district'] as const) {
      if (config[field] !== undefined) faults.push({ file, field, key: 'not_for_kind', params: { kind: config.kind } });
    }
  }
  if (config.kind === 'district' && config.district !== undefined) {
    faults.push({ file, field: 'district', key: 'not_for_kind', params: { kind: config.kind } });
  }
  if (
    config.kind === 'district' &&
    config.ags &&
    !faults.some((f) => f.field === 'ags') &&
    !config.ags.endsWith('000')
  ) {
    faults.push({ file, field: 'ags', key: 'ags_district_own' });
  }
  const primary = config.branding?.primaryColor;
  if (primary && /^#[0-9a-fA-F]{6}$/.test(primary)) {
    const ratio = contrastRatio(primary, '#ffffff');
    if (ratio < 4.5) {
      faults.push({ file, field: 'branding.primaryColor', key: 'contrast', params: { ratio: ratio.toFixed(2) } });
    }
  }
  for (const field of ['logo', 'coatOfArms'] as const) {
    const asset = config.branding?.[field];
    if (asset && !faults.some((f) => f.field === `branding.${field}`) && !existsSync(join(dir, asset))) {
      faults.push({ file, field: `branding.${field}`, key: 'asset_missing' });
    }
  }
  faults.push(...deliveryFaults(config, dir, file, options));
  // Not a list is the validator's fault already (`offices`); only a list's calendars are checked here.
  (Array.isArray(config.offices) ? config.offices : []).forEach((office, i) => {
    if (office?.appointments) faults.push(...calendarFaults(office.appointments, file, `offices.${i}.appointments`));
  });
  return { config: faults.length ? undefined : config, faults };
}

/** The delivery section beyond single fields: unique target ids, services naming targets that exist, CA files present. */
function deliveryFaults(config: TenantFile, dir: string, file: string, options: TenantLoadOptions): TenantFault[] {
  const faults: TenantFault[] = [];
  const targets = config.delivery?.targets ?? [];
  const ids = new Set<string>();
  targets.forEach((target, i) => {
    for (const field of ['url', 'submissionUrl', 'tokenUrl'] as const) {
      const fault = options.strict ? addressFault(target[field], options.allowHosts ?? []) : undefined;
      if (fault) faults.push({ file, field: `delivery.targets.${i}.${field}`, key: fault });
    }
    if (ids.has(target.id)) faults.push({ file, field: `delivery.targets.${i}.id`, key: 'target_taken' });
    ids.add(target.id);
    if (target.trustedCa && /^assets\/[A-Za-z0-9._-]+\.(pem|crt)$/.test(target.trustedCa)) {
      if (!existsSync(join(dir, target.trustedCa))) {
        faults.push({ file, field: `delivery.targets.${i}.trustedCa`, key: 'asset_missing' });
      }
    }
  });
  for (const [service, target] of Object.entries(config.delivery?.services ?? {})) {
    if (typeof target !== 'string' || !ids.has(target)) {
      faults.push({
        file,
        field: `delivery.services.${service}`,
        key: 'target_unknown',
        params: { value: String(target) },
      });
    }
  }
  return faults;
}

/**
 * Reads every `tenants/<slug>/tenant.yaml` below `root` and checks them together: domains and AGS
 * claimed twice, regions and districts that do not exist. A fault stops only its own tenant.
 */
export function loadTenantDir(root: string, options: TenantLoadOptions = {}): LoadedTenant[] {
  const folders = readdirSync(root)
    .filter((name) => !name.startsWith('.') && statSync(join(root, name)).isDirectory())
    .sort();
  const tenants = folders.map((name) => loadTenantFolder(join(root, name), options));
  const valid = tenants.filter((t) => t.config);
  const bySlug = new Map(valid.map((t) => [t.slug, t]));

  const claims = new Map<string, LoadedTenant[]>();
  for (const t of valid) for (const d of t.config?.domains ?? []) claims.set(d, [...(claims.get(d) ?? []), t]);
  for (const [domain, owners] of claims) {
    if (owners.length < 2) continue;
    for (const t of owners) {
      const other = owners.find((o) => o !== t)?.slug ?? '';
      const index = t.config?.domains?.indexOf(domain) ?? 0;
      t.faults.push({ file: t.file, field: `domains[${index}]`, key: 'domain_taken', params: { other } });
    }
  }

  const agsOwners = new Map<string, LoadedTenant>();
  for (const t of valid) {
    const ags = t.config?.ags;
    if (!ags) continue;
    const other = agsOwners.get(ags);
    if (other) t.faults.push({ file: t.file, field: 'ags', key: 'ags_taken', params: { other: other.slug } });
    else agsOwners.set(ags, t);
  }

  for (const t of valid) {
    const config = t.config as TenantFile;
    if (config.region !== undefined && bySlug.get(config.region)?.config?.kind !== 'region') {
      t.faults.push({ file: t.file, field: 'region', key: 'unknown_region', params: { value: config.region } });
    }
    if (config.district !== undefined) {
      const district = bySlug.get(config.district)?.config;
      if (district?.kind !== 'district') {
        t.faults.push({ file: t.file, field: 'district', key: 'unknown_district', params: { value: config.district } });
      } else if (district.ags && config.ags && !config.ags.startsWith(district.ags.slice(0, 5))) {
        t.faults.push({
          file: t.file,
          field: 'ags',
          key: 'ags_district',
          params: { prefix: district.ags.slice(0, 5) },
        });
      }
    }
  }
  for (const t of tenants) if (t.faults.length) t.config = undefined;
  return tenants;
}

/** What is wrong with a target's URL in production: not https, or a host internal by its name. */
function addressFault(value: string | undefined, allowHosts: readonly string[]): TenantFaultKey | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // A host the operator names (a specialist software inside the town hall's network) may be http.
  if (allowHosts.includes(host)) return undefined;
  if (url.protocol !== 'https:') return 'https_only';
  return isInternalHost(host) ? 'internal_host' : undefined;
}

/**
 * The checks of {@link loadTenantDir} for one new tenant against the tenants that exist (the
 * console's onboarding): slug, domains and AGS taken, region and district that do not exist, an
 * AGS outside its district.
 */
export function checkAmongTenants(config: TenantFile, file: string, tenants: readonly Tenant[]): TenantFault[] {
  const faults: TenantFault[] = [];
  const bySlug = new Map(tenants.map((t) => [t.slug, t]));
  if (bySlug.has(config.slug)) faults.push({ file, field: 'slug', key: 'slug_taken' });
  (config.domains ?? []).forEach((domain, index) => {
    const other = tenants.find((t) => t.domains.includes(domain));
    if (other) faults.push({ file, field: `domains[${index}]`, key: 'domain_taken', params: { other: other.slug } });
  });
  const agsOwner = config.ags ? tenants.find((t) => t.ags === config.ags) : undefined;
  if (agsOwner) faults.push({ file, field: 'ags', key: 'ags_taken', params: { other: agsOwner.slug } });
  if (config.region !== undefined && bySlug.get(config.region)?.kind !== 'region') {
    faults.push({ file, field: 'region', key: 'unknown_region', params: { value: config.region } });
  }
  if (config.district !== undefined) {
    const district = bySlug.get(config.district);
    if (district?.kind !== 'district') {
      faults.push({ file, field: 'district', key: 'unknown_district', params: { value: config.district } });
    } else if (district.ags && config.ags && !config.ags.startsWith(district.ags.slice(0, 5))) {
      faults.push({ file, field: 'ags', key: 'ags_district', params: { prefix: district.ags.slice(0, 5) } });
    }
  }
  return faults;
}
