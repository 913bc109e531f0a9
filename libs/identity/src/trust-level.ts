import { TRUST_LEVELS, TrustLevel } from '@openrathaus/core';

export { TRUST_LEVELS, isTrustLevel, meetsLevel } from '@openrathaus/core';
export type { TrustLevel } from '@openrathaus/core';

/** The eIDAS level of assurance URIs, which BundID and most eID services name in `acr`. */
const EIDAS = 'http://eidas.europa.eu/LoA/';

/**
 * The `acr_values` asked of the provider for a level: the level's eIDAS URI and those of the levels
 * above it, in order of preference (a provider that can only do better may still answer).
 */
export function acrValuesFor(level: TrustLevel): string {
  const names: Record<TrustLevel, string> = { basic: 'low', substantial: 'substantial', high: 'high' };
  return TRUST_LEVELS.slice(TRUST_LEVELS.indexOf(level))
    .map((l) => EIDAS + names[l])
    .join(' ');
}

// STORK QAA levels as BundID names them: 1-2 a user name and password, 3 ELSTER, 4 the eID card.
const STORK: Record<string, TrustLevel> = { '1': 'basic', '2': 'basic', '3': 'substantial', '4': 'high' };

/**
 * The level an `acr` claim stands for. Its last word counts (after the last `:`, `/` or `#`), so
 * `http://eidas.europa.eu/LoA/substantial`, `urn:example:loa:substantial` and plain `substantial`
 * are the same; `low`/`basic`/`normal` are basic; `STORK-QAA-Level-1…4` map as BundID does. Anything
 * else is basic: an unknown claim raises nothing.
 */
export function trustLevelOfAcr(acr: unknown): TrustLevel {
  if (typeof acr !== 'string') return 'basic';
  const stork = /^STORK-QAA-Level-([1-4])$/i.exec(acr.trim());
  if (stork) return STORK[stork[1]];
  const word = acr.trim().toLowerCase().split(/[:/#]/).pop() ?? '';
  if (word === 'substantial' || word === 'substanziell') return 'substantial';
  if (word === 'high' || word === 'hoch') return 'high';
  return 'basic';
}
