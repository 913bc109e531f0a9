import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import type { LocalizedText } from '@openrathaus/i18n';
import { formatDefinitionFault } from '../definition/definition-fault';
import { Shape, checkShape } from '../definition/shape';
import type { StepKindTable } from '../definition/step-kinds';

/** An OZG Themenfeld: the coarse grouping of Lebenslagen and Unternehmenslagen. */
export interface Themenfeld {
  id: string;
  title: LocalizedText;
}

/** A Lebenslage (citizens) or Unternehmenslage (businesses) of the OZG catalogue. */
export interface Lage {
  id: string;
  kind: 'lebenslage' | 'unternehmenslage';
  themenfelder: string[];
  title: LocalizedText;
}

/** An online offering of the Land or the Bund that a municipal portal links to. */
export interface LinkService {
  key: string;
  leika?: string;
  title: LocalizedText;
  summary: LocalizedText;
  lebenslagen: string[];
  keywords?: string[];
  provider: 'bund' | 'land';
  /** For `land`: the Land's two-digit AGS prefix (`05` is Nordrhein-Westfalen). */
  land?: string;
  url: string;
}

export interface CatalogData {
  themenfelder: Themenfeld[];
  lagen: Lage[];
  lagenIds: ReadonlySet<string>;
  linkServices: LinkService[];
}

const text: Shape = { t: 'text' };
const slug: Shape = { t: 'string', pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternKey: 'slug' };
const LAGEN: Shape = {
  t: 'object',
  fields: {
    themenfelder: {
      t: 'list',
      nonEmpty: true,
      of: { t: 'object', fields: { id: slug, title: text }, required: ['id', 'title'] },
    },
    lagen: {
      t: 'list',
      nonEmpty: true,
      of: {
        t: 'object',
        fields: {
          id: slug,
          kind: { t: 'enum', values: ['lebenslage', 'unternehmenslage'] },
          themenfelder: { t: 'list', of: slug, nonEmpty: true },
          title: text,
        },
        required: ['id', 'kind', 'themenfelder', 'title'],
      },
    },
  },
  required: ['themenfelder', 'lagen'],
};
const LINKS: Shape = {
  t: 'list',
  of: {
    t: 'object',
    fields: {
      key: slug,
      leika: { t: 'string', pattern: /^99\d{12}$/, patternKey: 'leika' },
      title: text,
      summary: text,
      lebenslagen: { t: 'list', of: slug, nonEmpty: true },
      keywords: { t: 'list', of: { t: 'string' } },
      provider: { t: 'enum', values: ['bund', 'land'] },
      land: { t: 'string', pattern: /^(0[1-9]|1[0-6])$/, patternKey: 'string' },
      url: { t: 'string', pattern: /^https:\/\//, patternKey: 'string' },
    },
    required: ['key', 'title', 'summary', 'lebenslagen', 'provider', 'url'],
  },
};

function read<T>(dir: string, name: string, shape: Shape): T {
  const file = join(dir, name);
  const value: unknown = parse(readFileSync(file, 'utf8'));
  const faults = checkShape(value, shape);
  if (faults.length) throw new Error(faults.map((f) => formatDefinitionFault({ file, ...f })).join('\n'));
  return value as T;
}

/**
 * Reads the lists the platform ships (`libs/catalog/data/`): Themenfelder, Lebenslagen and
 * Unternehmenslagen, and the link services of Land and Bund. A fault here is the platform's own
 * and stops the start.
 */
export function loadCatalogData(dir = join(projectRoot(), 'libs', 'catalog', 'data')): CatalogData {
  const lagen = read<{ themenfelder: Themenfeld[]; lagen: Lage[] }>(dir, 'lagen.yaml', LAGEN);
  const linkServices = read<LinkService[]>(dir, 'link-services.yaml', LINKS);
  const themen = new Set(lagen.themenfelder.map((t) => t.id));
  const ids = new Set(lagen.lagen.map((l) => l.id));
  const problems = [
    ...lagen.lagen.flatMap((l) =>
      l.themenfelder.filter((t) => !themen.has(t)).map((t) => `lage ${l.id}: themenfeld ${t}`),
    ),
    ...linkServices.flatMap((s) => s.lebenslagen.filter((l) => !ids.has(l)).map((l) => `link ${s.key}: lage ${l}`)),
  ];
  if (problems.length) throw new Error(`catalog data refers to unknown ids: ${problems.join('; ')}`);
  return { themenfelder: lagen.themenfelder, lagen: lagen.lagen, lagenIds: ids, linkServices };
}

let cached: CatalogData | undefined;

/** The shipped catalogue data, read once per process. */
export function catalogData(): CatalogData {
  cached ??= loadCatalogData();
  return cached;
}

/** The link services a tenant shows: the Bund's everywhere, a Land's where the tenant's AGS lies in it. */
export function linkServicesFor(ags: string | null | undefined, data = catalogData()): LinkService[] {
  return data.linkServices.filter((s) => s.provider === 'bund' || (ags && s.land && ags.startsWith(s.land)));
}

/**
 * What checking a definition needs from the shipped data: the Lagen, and the keys link services
 * hold; and the step kinds the platform runs (the format's built-in ones when not given).
 */
export function definitionContext(
  data = catalogData(),
  steps?: StepKindTable,
): { lagen: ReadonlySet<string>; reserved: ReadonlySet<string>; steps?: StepKindTable } {
  return { lagen: data.lagenIds, reserved: new Set(data.linkServices.map((s) => s.key)), steps };
}
