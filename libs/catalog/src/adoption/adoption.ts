import { maxSatisfying, validRange } from 'semver';
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
 * matches a published version (the newest matching one is chosen), and every parameter is known,
 * of the right type and, where required, set. Faults name `services[i]...` in the tenant's file.
 */
export function resolveAdoptions(
  tenant: { slug: string; file: string; offices: readonly string[] },
  entries: readonly AdoptionEntry[],
  index: DefinitionIndex,
): { resolved: ResolvedAdoption[]; faults: DefinitionFault[] } {
  const faults: DefinitionFault[] = [];
  const resolved: ResolvedAdoption[] = [];
  const keys = new Set<string>();
  entries.forEach((entry, i) => {
    const path = `services[${i}]`;
    const fault = (sub: string, key: DefinitionFault['key'], params?: DefinitionFault['params']) =>
      faults.push({ file: tenant.file, path: `${path}.${sub}`, key, params });
    const owner = entry.definition.split('/')[0];
    const versions = index.versions(entry.definition);
    const visible = versions.filter((v) => v.visibility === 'shared' || v.owner === tenant.slug);
    if (!versions.length) return fault('definition', 'definition_missing', { value: entry.definition });
    if (!visible.length) return fault('definition', 'definition_private', { value: entry.definition });
    if (!validRange(entry.version)) return fault('version', 'range');
    const best = maxSatisfying(
      visible.map((v) => v.version),
      entry.version,
    );
    const chosen = visible.find((v) => v.version === best);
    if (!chosen) {
      const published = visible.map((v) => v.version).join(', ');
      return fault('version', 'range_unmatched', { value: entry.definition, versions: published });
    }
    if (keys.has(chosen.key)) return fault('definition', 'service_twice', { value: chosen.key });
    keys.add(chosen.key);
    const declared = chosen.definition.parameters ?? {};
    const given = entry.parameters ?? {};
    const parameters: Record<string, ParameterValue> = {};
    const before = faults.length;
    for (const [name, raw] of Object.entries(given)) {
      const definition = Object.hasOwn(declared, name) ? declared[name] : undefined;
      if (!definition) {
        fault(`parameters.${name}`, 'param_unknown', {
          value: `${entry.definition}@${chosen.version}`,
          allowed: Object.keys(declared).join(', '),
        });
        continue;
      }
      const reading = readParameterValue(definition, raw, tenant.offices);
      if (reading.ok) parameters[name] = reading.value;
      else fault(`parameters.${name}`, reading.key, reading.params);
    }
    for (const [name, definition] of Object.entries(declared)) {
      if (Object.hasOwn(given, name)) continue;
      if (definition.default !== undefined) {
        // A default office must exist at this tenant too.
        const reading = readParameterValue(definition, definition.default, tenant.offices);
        if (reading.ok) parameters[name] = reading.value;
        else fault(`parameters.${name}`, reading.key, reading.params);
      } else if (definition.required || definition.type === 'office') {
        fault(`parameters.${name}`, 'param_missing', { value: `${entry.definition}@${chosen.version}` });
      }
    }
    if (faults.length === before && owner)
      resolved.push({ ref: entry.definition, range: entry.version, chosen, parameters });
  });
  return { resolved, faults };
}
