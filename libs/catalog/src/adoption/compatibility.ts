import { compare, major } from 'semver';
import type { ParameterDefinition, ProcessDefinition } from '../definition/process-definition';

const mustBeSet = (p: ParameterDefinition): boolean =>
  p.default === undefined && (p.required === true || p.type === 'office');

/**
 * Why adopters of `previous` could not follow to `next` without changing their files: a parameter
 * removed, its type changed, an enum value gone, or a new one they must set. Empty when they can.
 */
export function parameterBreaks(previous: ProcessDefinition, next: ProcessDefinition): { en: string[]; de: string[] } {
  const before = previous.parameters ?? {};
  const after = next.parameters ?? {};
  const en: string[] = [];
  const de: string[] = [];
  for (const [name, p] of Object.entries(before)) {
    const q = Object.hasOwn(after, name) ? after[name] : undefined;
    if (!q) {
      en.push(`parameter ${name} removed`);
      de.push(`Parameter ${name} entfernt`);
    } else if (q.type !== p.type) {
      en.push(`parameter ${name} is now ${q.type}, was ${p.type}`);
      de.push(`Parameter ${name} ist jetzt ${q.type} statt ${p.type}`);
    } else if (p.type === 'enum') {
      const kept = new Set((q.options ?? []).map((o) => o.value));
      const gone = (p.options ?? []).map((o) => o.value).filter((v) => !kept.has(v));
      if (gone.length) {
        en.push(`values of ${name} removed: ${gone.join(', ')}`);
        de.push(`Werte von ${name} entfernt: ${gone.join(', ')}`);
      }
    } else if (mustBeSet(q) && !mustBeSet(p)) {
      en.push(`parameter ${name} must now be set`);
      de.push(`Parameter ${name} muss jetzt gesetzt werden`);
    }
  }
  for (const [name, q] of Object.entries(after)) {
    if (!Object.hasOwn(before, name) && mustBeSet(q)) {
      en.push(`new parameter ${name} must be set`);
      de.push(`neuer Parameter ${name} muss gesetzt werden`);
    }
  }
  return { en, de };
}

/** The version a new minor or patch must stay compatible with: the newest lower one of its major. */
export function previousOfMajor<T extends { version: string }>(versions: T[], version: string): T | undefined {
  if (major(version) === 0) return undefined; // 0.x promises nothing, as semver says
  return versions
    .filter((v) => major(v.version) === major(version) && compare(v.version, version) < 0)
    .sort((a, b) => compare(b.version, a.version))[0];
}
