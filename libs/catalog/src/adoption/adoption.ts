import { rcompare, satisfies, validRange } from 'semver';
import type { DefinitionFault } from '../definition/definition-fault';
import { readParameterValue } from '../definition/parameters';
import type { ParameterValue, ProcessDefinition, Visibility } from '../definition/process-definition';

/** One published (or about to be published) version a tenant may adopt. */
export interface AvailableVersion {
  owner: string;
  key: string;
  version: string;
  visibility: Visibility;
  definition: ProcessDefinition;
  /** Database id once published. */
  id?: string;
}

/** Every version by `owner/key`. */
export class DefinitionIndex {
  private readonly byRef = new Map<string, AvailableVersion[]>();

  add(version: AvailableVersion): void {
    const ref = `${version.owner}/${version.key}`;
    const list = this.byRef.get(ref) ?? [];
    if (!list.some((v) => v.version === version.version)) list.push(version);
    this.byRef.set(ref, list);
  }

  versions(ref: string): AvailableVersion[] {
    return this.byRef.get(ref) ?? [];
  }
}

/** What a tenant writes in `services:` of its tenant.yaml. */
export interface AdoptionEntry {
  definition: string;
  version: string;
  parameters?: Record<string, unknown>;
}

/** The adopting tenant as the check needs it: its file, its offices, and the services each office books appointments for. */
export interface AdoptingTenant {
  file: string;
  offices: readonly string[];
  /** Office id → the service keys of its appointment calendar; an office without one books none. */
  appointments?: ReadonlyMap<string, readonly string[]>;
}

/** The appointment services of a tenant's offices, for {@link AdoptingTenant.appointments}. */
export const officeAppointments = (
  offices: readonly { id: string; appointments?: { services?: readonly { key: string }[] } }[],
): ReadonlyMap<string, readonly string[]> =>
  new Map(offices.map((o) => [o.id, (o.appointments?.services ?? []).map((s) => s.key)]));

/** An adoption checked against the definitions: the exact version it serves and its parameters. */
export interface ResolvedAdoption {
  ref: string;
  range: string;
  chosen: AvailableVersion;
  /** Parameter values as the platform holds them (money in cents), defaults filled in. */
  parameters: Record<string, ParameterValue>;
}

/**
 * Checks a tenant's adoptions: the definition exists and may be adopted by this tenant, the range
 * matches a published version (the newest matching one the tenant's values fit is chosen), and
 * every parameter is known, of the right type and, where required, set. Faults name
 * `services[i]...` in the tenant's file; `notes` tell of newer versions the values do not fit yet.
 */
export function resolveAdoptions(
  tenant: AdoptingTenant & { slug: string },
  entries: readonly AdoptionEntry[],
  index: DefinitionIndex,
): { resolved: ResolvedAdoption[]; faults: DefinitionFault[]; notes: DefinitionFault[] } {
  const faults: DefinitionFault[] = [];
  const resolved: ResolvedAdoption[] = [];
  const notes: DefinitionFault[] = [];
  const keys = new Set<string>();
  entries.forEach((entry, i) => {
    const path = `services[${i}]`;
    const fault = (sub: string, key: DefinitionFault['key'], params?: DefinitionFault['params']) =>
      faults.push({ file: tenant.file, path: `${path}.${sub}`, key, params });
    const versions = index.versions(entry.definition);
    const visible = versions.filter((v) => v.visibility === 'shared' || v.owner === tenant.slug);
    if (!versions.length) return fault('definition', 'definition_missing', { value: entry.definition });
    if (!visible.length) return fault('definition', 'definition_private', { value: entry.definition });
    if (!validRange(entry.version)) return fault('version', 'range');
    const candidates = visible
      .filter((v) => satisfies(v.version, entry.version))
      .sort((a, b) => rcompare(a.version, b.version));
    if (!candidates.length) {
      const published = visible.map((v) => v.version).join(', ');
      return fault('version', 'range_unmatched', { value: entry.definition, versions: published });
    }
    if (keys.has(candidates[0].key)) return fault('definition', 'service_twice', { value: candidates[0].key });
    keys.add(candidates[0].key);
    // The newest matching version the tenant's values fit; a newer one they do not fit is reported
    // and left for the tenant to catch up with, while its citizens keep the service.
    let first: DefinitionFault[] | undefined;
    for (const chosen of candidates) {
      const reading = readParameters(entry, chosen, tenant, `${path}.parameters`);
      if (!reading.faults.length) {
        resolved.push({ ref: entry.definition, range: entry.version, chosen, parameters: reading.parameters });
        if (first) {
          notes.push({
            file: tenant.file,
            path: `${path}.version`,
            key: 'adoption_behind',
            params: { value: entry.definition, newest: candidates[0].version, version: chosen.version },
          });
          notes.push(...first);
        }
        return;
      }
      first ??= reading.faults;
    }
    faults.push(...(first ?? []));
  });
  return { resolved, faults, notes };
}

/** The adopter's values for one version's parameters, defaults filled in, or what does not fit. */
function readParameters(
  entry: AdoptionEntry,
  chosen: AvailableVersion,
  tenant: AdoptingTenant,
  path: string,
): { parameters: Record<string, ParameterValue>; faults: DefinitionFault[] } {
  const faults: DefinitionFault[] = [];
  const fault = (name: string, key: DefinitionFault['key'], params?: DefinitionFault['params']) =>
    faults.push({ file: tenant.file, path: `${path}.${name}`, key, params });
  const declared = chosen.definition.parameters ?? {};
  const given = entry.parameters ?? {};
  const parameters: Record<string, ParameterValue> = {};
  const ref = `${entry.definition}@${chosen.version}`;
  for (const [name, raw] of Object.entries(given)) {
    const definition = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!definition) {
      fault(name, 'param_unknown', { value: ref, allowed: Object.keys(declared).join(', ') });
      continue;
    }
    const reading = readParameterValue(definition, raw, tenant.offices);
    if (reading.ok) parameters[name] = reading.value;
    else fault(name, reading.key, reading.params);
  }
  for (const [name, definition] of Object.entries(declared)) {
    if (Object.hasOwn(given, name)) continue;
    if (definition.default !== undefined) {
      // A default office must exist at this tenant too.
      const reading = readParameterValue(definition, definition.default, tenant.offices);
      if (reading.ok) parameters[name] = reading.value;
      else fault(name, reading.key, reading.params);
    } else if (definition.required || definition.type === 'office') {
      fault(name, 'param_missing', { value: ref });
    }
  }
  // An appointment step books at the office its parameter names: that office must offer the service.
  for (const step of chosen.definition.steps ?? []) {
    if (step.kind !== 'appointment' || !step.office || !step.service) continue;
    const office = parameters[step.office];
    if (typeof office !== 'string') continue;
    if (!(tenant.appointments?.get(office) ?? []).includes(step.service)) {
      fault(step.office, 'office_no_service', { value: office, service: step.service });
    }
  }
  return { parameters, faults };
}
