import { stringify } from 'yaml';

/** What a new municipality needs at least; everything else has a default. */
export interface NewTenantInput {
  slug: string;
  ags: string;
  name?: string;
  region?: string;
  district?: string;
  domain?: string;
  primaryColor?: string;
  street?: string;
  postalCode?: string;
}

/** The office every new tenant starts with; its services name it until the tenant adds its own. */
export const DEFAULT_OFFICE = 'buergerbuero';

/** A name from a slug: `haltern-am-see` → `Haltern Am See` (to be completed by a person). */
const titleOf = (slug: string): string =>
  slug
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/**
 * The configuration of a new municipality with sensible defaults: live, German and English, the
 * platform's blue, one office (the Bürgerbüro at the town hall), `serviceportal.<slug>.de` as its
 * domain. Services are not listed: the console adopts every shared definition, `tenants new`
 * leaves them for the person completing the file.
 */
export function tenantDefaults(input: NewTenantInput): Record<string, unknown> {
  const name = input.name ?? `Stadt ${titleOf(input.slug)}`;
  const city = name.replace(/^(Stadt|Gemeinde)\s+/, '');
  const address = {
    name: `Rathaus ${city}`,
    street: input.street ?? 'Rathausplatz 1',
    postalCode: input.postalCode ?? '00000',
    city,
  };
  return {
    slug: input.slug,
    kind: 'municipality',
    name,
    shortName: city,
    ags: input.ags,
    status: 'live',
    ...(input.region ? { region: input.region } : {}),
    ...(input.district ? { district: input.district } : {}),
    domains: [input.domain ?? `serviceportal.${input.slug}.de`],
    locales: ['de', 'en'],
    branding: { primaryColor: input.primaryColor ?? '#1d4f91' },
    address,
    offices: [{ id: DEFAULT_OFFICE, name: `Bürgerbüro ${city}`, address }],
  };
}

/** A configuration as the text of a `tenant.yaml`. */
export function tenantYaml(config: object, comment?: string): string {
  const text = stringify(config, { lineWidth: 0 });
  return comment ? `${comment.replace(/^/gm, '# ')}\n${text}` : text;
}
