import { RegionError, RegionErrorCode } from './region.error';
import { RegionMember, RegionService, findResponsible, offerFor } from './region-offers';

const member = (slug: string, postalCodes: string[], district?: string): RegionMember => ({
  slug,
  name: slug[0].toUpperCase() + slug.slice(1),
  kind: postalCodes.length ? 'municipality' : 'district',
  portalUrl: `http://${slug}.localhost:3000/`,
  district,
  postalCodes,
});

const members = [
  member('kreis', []),
  member('marl', ['45768', '45770'], 'kreis'),
  member('herten', ['45699', '45701'], 'kreis'),
  // Shares 45701 with Herten.
  member('westerholt', ['45701'], 'kreis'),
  member('bottrop', ['46236']),
];

const service = (key: string, offers: [string, 'online' | 'link'][]): RegionService => ({
  key,
  title: { de: key },
  summary: { de: '' },
  lebenslagen: [],
  offers: offers.map(([slug, type]) => ({ slug, type, url: `http://${slug}.localhost:3000/leistungen/${key}` })),
});

const services = [
  service('hundesteuer', [
    ['marl', 'online'],
    ['bottrop', 'link'],
  ]),
  service('fahrdienst', [['kreis', 'online']]),
];

const fault = (work: () => unknown): { status: string; fields: { field: string; key: string }[] } => {
  try {
    work();
  } catch (error) {
    if (error instanceof RegionError) return { status: error.kind, fields: error.fields };
    throw error;
  }
  throw new Error('no fault');
};

describe('the responsibility finder', () => {
  it('leads from a postal code to the town that offers the service, on its own portal', () => {
    const answer = findResponsible(members, services, { postalCode: '45770', service: 'hundesteuer' });
    expect(answer.ambiguous).toBe(false);
    expect(answer.members).toEqual([
      expect.objectContaining({
        slug: 'marl',
        type: 'online',
        url: 'http://marl.localhost:3000/leistungen/hundesteuer',
      }),
    ]);
  });

  it('leads to the district for a service of the district, from any town of it', () => {
    for (const town of ['marl', 'herten']) {
      const [answer] = findResponsible(members, services, { town, service: 'fahrdienst' }).members;
      expect(answer).toEqual(
        expect.objectContaining({
          slug: 'kreis',
          type: 'district',
          town,
          url: expect.stringContaining('kreis.localhost'),
        }),
      );
    }
  });

  it('names the town without an offer, with its portal', () => {
    const [answer] = findResponsible(members, services, { town: 'herten', service: 'hundesteuer' }).members;
    expect(answer).toEqual(
      expect.objectContaining({ slug: 'herten', type: 'none', url: 'http://herten.localhost:3000/' }),
    );
    // A town outside any district is not served by one.
    const [bottrop] = findResponsible(members, services, { town: 'bottrop', service: 'fahrdienst' }).members;
    expect(bottrop.type).toBe('none');
  });

  it('asks which town when a postal code is shared, and answers for the town chosen', () => {
    const shared = findResponsible(members, services, { postalCode: '45701', service: 'hundesteuer' });
    expect(shared.ambiguous).toBe(true);
    expect(shared.members.map((m) => m.town)).toEqual(['herten', 'westerholt']);
    const chosen = findResponsible(members, services, {
      postalCode: '45701',
      town: 'westerholt',
      service: 'fahrdienst',
    });
    expect(chosen.ambiguous).toBe(false);
    expect(chosen.members.map((m) => [m.town, m.slug])).toEqual([['westerholt', 'kreis']]);
  });

  it('names the faulty field', () => {
    expect(fault(() => findResponsible(members, services, { postalCode: '45768' }))).toEqual({
      status: 'invalid',
      fields: [{ field: 'service', key: 'required', params: {} }],
    });
    expect(fault(() => findResponsible(members, services, { service: 'hundesteuer' })).fields[0].field).toBe(
      'postalCode',
    );
    expect(fault(() => findResponsible(members, services, { postalCode: '4576', service: 'x' })).fields[0]).toEqual(
      expect.objectContaining({ field: 'postalCode', key: 'postal_code' }),
    );
    expect(
      fault(() => findResponsible(members, services, { town: 'atlantis', service: 'hundesteuer' })).fields[0],
    ).toEqual(expect.objectContaining({ field: 'town', key: 'unknown' }));
    // A district is no town to choose.
    expect(
      fault(() => findResponsible(members, services, { town: 'kreis', service: 'fahrdienst' })).fields[0].field,
    ).toBe('town');
    expect(fault(() => findResponsible(members, services, { town: 'marl', service: 'nichts' })).fields[0]).toEqual(
      expect.objectContaining({ field: 'service', key: 'unknown' }),
    );
    expect(fault(() => findResponsible(members, services, { postalCode: '10115', service: 'hundesteuer' }))).toEqual({
      status: 'unprocessable',
      fields: [{ field: 'postalCode', key: 'not_in_region', params: { value: '10115' } }],
    });
    expect(
      fault(() => findResponsible(members, services, { postalCode: '45768', town: 'herten', service: 'hundesteuer' })),
    ).toEqual(
      expect.objectContaining({ status: 'unprocessable', fields: [expect.objectContaining({ field: 'town' })] }),
    );
  });

  it('counts a town as served by its district only where the town does not offer the service itself', () => {
    const both = service('x', [
      ['kreis', 'online'],
      ['marl', 'link'],
    ]);
    expect(offerFor(both, members[1]).type).toBe('link');
    expect(offerFor(both, members[2]).type).toBe('district');
    expect(RegionErrorCode.InvalidInput).toBe('region.invalid_input');
  });
});
