import { type LoadedTenant, type TenantFile, resolveDeliveryTarget } from '@openrathaus/tenancy';
import { compare } from 'semver';
import {
  AvailableVersion,
  DefinitionIndex,
  ResolvedAdoption,
  officeAppointments,
  resolveAdoptions,
} from './adoption/adoption';
import { parameterBreaks, previousOfMajor } from './adoption/compatibility';
import type { ProcessDefinition } from './definition/process-definition';
import { definitionContext } from './data/catalog-data';
import { DefinitionFault, definitionFaultMessage, formatDefinitionFault } from './definition/definition-fault';
import { LoadedDefinition, loadDefinitionsDir } from './definition/definition.loader';
import type { StepKindTable } from './definition/step-kinds';

/** A published version as the database holds it: its content hash guards immutability. */
export interface PublishedVersion extends AvailableVersion {
  id: string;
  hash: string;
}

export interface CatalogCheck {
  definitions: LoadedDefinition[];
  /** Sound version files not yet published. */
  toPublish: LoadedDefinition[];
  /** Faults of definition files: they are not published, what was published keeps serving. */
  definitionFaults: DefinitionFault[];
  /** Adoptions that stay on an older version because the newest needs other values. */
  notes: DefinitionFault[];
  index: DefinitionIndex;
  /** By tenant slug: the adoptions it serves. */
  adoptions: Map<string, ResolvedAdoption[]>;
}

/**
 * Checks the definitions below `dir` against what is already published, then every sound tenant's
 * adoptions against all of them. A faulty adoption is a fault of its tenant (added to
 * `tenant.faults`, which stops the tenant); a faulty definition is only reported. Steps are
 * checked against `steps`, the kinds the platform runs (the format's built-in ones when not given).
 */
export function checkCatalog(
  dir: string,
  tenants: LoadedTenant[],
  published: PublishedVersion[] = [],
  steps?: StepKindTable,
): CatalogCheck {
  const context = definitionContext(undefined, steps);
  const definitions = loadDefinitionsDir(dir, context);
  const owners = new Map(tenants.map((t) => [t.slug, t]));
  const publishedBy = new Map(published.map((p) => [`${p.owner}/${p.key}@${p.version}`, p]));
  const definitionFaults: DefinitionFault[] = [];
  const notes: DefinitionFault[] = [];
  const toPublish: LoadedDefinition[] = [];
  const index = new DefinitionIndex();
  for (const p of published) index.add(p);
  const candidates: LoadedDefinition[] = [];
  for (const d of definitions) {
    if (!owners.has(d.owner)) {
      d.faults.push({ file: d.file, path: '', key: 'definition_missing', params: { value: `tenant ${d.owner}` } });
      d.definition = undefined;
    }
    const before = publishedBy.get(`${d.owner}/${d.key}@${d.version}`);
    if (d.definition && before && before.hash !== d.hash) {
      d.faults.push({ file: d.file, path: 'version', key: 'published_changed', params: { version: d.version } });
      d.definition = undefined;
    }
    if (d.definition && !d.draft && !before) candidates.push(d);
  }
  // Oldest first, so that each new minor is held against the version before it, new or published.
  candidates.sort(
    (a, b) => a.owner.localeCompare(b.owner) || a.key.localeCompare(b.key) || compare(a.version, b.version),
  );
  for (const d of candidates) {
    const definition = d.definition as ProcessDefinition;
    const ref = `${d.owner}/${d.key}`;
    const previous = previousOfMajor(index.versions(ref), d.version);
    const breaks = previous ? parameterBreaks(previous.definition, definition) : { en: [], de: [] };
    if (breaks.en.length) {
      d.faults.push({
        file: d.file,
        path: 'parameters',
        key: 'incompatible',
        params: { previous: previous?.version ?? '', detailEn: breaks.en.join('; '), detailDe: breaks.de.join('; ') },
      });
      d.definition = undefined;
      continue;
    }
    toPublish.push(d);
    index.add({ owner: d.owner, key: d.key, version: d.version, visibility: definition.visibility, definition });
  }
  for (const d of definitions) definitionFaults.push(...d.faults);
  const adoptions = new Map<string, ResolvedAdoption[]>();
  for (const tenant of tenants) {
    const config = tenant.config;
    if (!config) continue;
    const offices = (config.offices ?? []).map((o) => o.id);
    const {
      resolved,
      faults,
      notes: behind,
    } = resolveAdoptions(
      { slug: tenant.slug, file: tenant.file, offices, appointments: officeAppointments(config.offices ?? []) },
      config.services ?? [],
      index,
    );
    for (const fault of faults) {
      tenant.faults.push({
        file: fault.file,
        field: fault.path,
        key: 'invalid',
        message: { en: definitionFaultMessage(fault, 'en'), de: definitionFaultMessage(fault, 'de') },
      });
    }
    if (faults.length) tenant.config = undefined;
    else {
      adoptions.set(tenant.slug, resolved);
      notes.push(...unreachableHandoffs(tenant.file, config, resolved));
    }
    notes.push(...behind);
  }
  return { definitions, toPublish, definitionFaults, notes, index, adoptions };
}

export { formatDefinitionFault };

/**
 * Services whose `deliver` step has no target the tenant can reach (no target of that name, or an
 * e-mail with no address at the office nor the tenant): reported when the tenant is loaded, and
 * failed at run time as a hand-off the tenant admin sees, never as a completed application.
 */
function unreachableHandoffs(file: string, config: TenantFile, resolved: ResolvedAdoption[]): DefinitionFault[] {
  const faults: DefinitionFault[] = [];
  resolved.forEach((adoption) => {
    const definition = adoption.chosen.definition;
    for (const step of definition.steps) {
      if (step.kind !== 'deliver') continue;
      const office = step.office ? adoption.parameters[step.office] : undefined;
      const result = resolveDeliveryTarget(
        config,
        definition.key,
        step.target,
        typeof office === 'string' ? office : undefined,
      );
      if (result.ok) continue;
      const index = (config.services ?? []).findIndex((s) => s.definition === adoption.ref);
      faults.push({
        file,
        path: `services[${index}]`,
        key: result.reason === 'no_address' ? 'handoff_no_address' : 'handoff_unknown_target',
        params: { service: definition.key, target: result.target },
      });
    }
  });
  return faults;
}
