import type { LocalizedText } from '@openrathaus/i18n';
import { invalidRegionField, unacceptableRegionField } from './region.error';

/** How a member offers a service: itself online or by link, through its district, or not at all. */
export type OfferType = 'online' | 'link' | 'district' | 'none';

/** A member of the region as the region's pages and answers name it. */
export interface RegionMember {
  slug: string;
  name: string;
  kind: 'municipality' | 'district';
  /** The member's portal, with a trailing slash (`http://marl.localhost:3000/`). */
  portalUrl: string;
  /** The district whose services hold for this town too. */
  district?: string;
  postalCodes: readonly string[];
}

/** A member's own offer of a service, with the address of the service's page on its portal. */
export interface MemberOffer {
  slug: string;
  type: 'online' | 'link';
  url: string;
}

/** A service of the union catalogue: once, with every member that offers it. */
export interface RegionService {
  key: string;
  title: LocalizedText;
  summary: LocalizedText;
  lebenslagen: string[];
  /** The members that offer it themselves, in the order of the member list. */
  offers: MemberOffer[];
}

/** How `member` offers `service`: its own offer first, else its district's, else none. */
export function offerFor(service: RegionService, member: RegionMember): { type: OfferType; offer?: MemberOffer } {
  const own = service.offers.find((o) => o.slug === member.slug);
  if (own) return { type: own.type, offer: own };
  const district = member.district ? service.offers.find((o) => o.slug === member.district) : undefined;
  if (district) return { type: 'district', offer: district };
  return { type: 'none' };
}

/** What the finder is asked: a postal code or a town (or both), and a service. */
export interface ResponsibleQuery {
  postalCode?: string;
  town?: string;
  service?: string;
}

/** The member responsible for a service in a town, and where its page is. */
export interface Responsible {
  /** The member whose page it is: the town, or its district. */
  slug: string;
  name: string;
  url: string;
  type: OfferType;
  /** The town the answer is for (the same as `slug` unless the district is responsible). */
  town: string;
  townName: string;
}

/** The finder's answer: one member, or (a postal code shared by towns) one per town to choose from. */
export interface ResponsibleAnswer {
  service: RegionService;
  /** Several when the postal code belongs to more than one town and no town was named. */
  members: Responsible[];
  /** True when the towns must be chosen between (a shared postal code). */
  ambiguous: boolean;
}

const POSTAL_CODE = /^\d{5}$/;

/**
 * The finder as a function of the region's members and services: checks the query, finds the
 * town(s) of the postal code or the town named, and for each the member responsible: the town
 * itself when it offers the service, else its district, else the town (which does not offer it
 * online). Faults name the field: 400 for a malformed or unknown value, 422 for a postal code
 * outside the region or a town that does not have it.
 */
export function findResponsible(
  members: readonly RegionMember[],
  services: readonly RegionService[],
  query: ResponsibleQuery,
): ResponsibleAnswer {
  const postalCode = query.postalCode?.trim() || undefined;
  const townSlug = query.town?.trim() || undefined;
  const key = query.service?.trim() || undefined;
  if (!key) throw invalidRegionField('service', 'required');
  if (postalCode !== undefined && !POSTAL_CODE.test(postalCode)) throw invalidRegionField('postalCode', 'postal_code');
  if (postalCode === undefined && townSlug === undefined) throw invalidRegionField('postalCode', 'postal_code_or_town');
  const towns = members.filter((m) => m.kind === 'municipality');
  const town = townSlug === undefined ? undefined : towns.find((t) => t.slug === townSlug);
  if (townSlug !== undefined && !town) throw invalidRegionField('town', 'unknown');
  const service = services.find((s) => s.key === key);
  if (!service) throw invalidRegionField('service', 'unknown');

  let candidates: RegionMember[];
  if (postalCode !== undefined) {
    candidates = towns.filter((t) => t.postalCodes.includes(postalCode));
    if (!candidates.length) throw unacceptableRegionField('postalCode', 'not_in_region', { value: postalCode });
    if (town) {
      if (!candidates.includes(town))
        throw unacceptableRegionField('town', 'postal_code_elsewhere', { value: postalCode });
      candidates = [town];
    }
  } else {
    candidates = [town as RegionMember];
  }
  const bySlug = new Map(members.map((m) => [m.slug, m]));
  const answer = (t: RegionMember): Responsible => {
    const { type, offer } = offerFor(service, t);
    const owner = offer ? (bySlug.get(offer.slug) ?? t) : t;
    return {
      slug: owner.slug,
      name: owner.name,
      url: offer?.url ?? t.portalUrl,
      type,
      town: t.slug,
      townName: t.name,
    };
  };
  return { service, members: candidates.map(answer), ambiguous: candidates.length > 1 };
}
