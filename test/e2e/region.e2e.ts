/**
 * The region's portal on `emscher-lippe.localhost`: one search across the members, the
 * responsibility finder (postal code or town, a postal code shared by two towns, the district's
 * services), the table of what is online where, the Lebenslagen, the statistics summed over the
 * members, and the JSON API of the contract, bad input included. The tenants are the demo's, with
 * one postal code given to two towns (Datteln's 45711 to Waltrop too) so that the finder must ask.
 * Isolation: a member's figures never hold another member's applications, and the region sees sums
 * only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Casework } from '@openrathaus/applications';
import { TenantStatistics } from '@openrathaus/backoffice';
import { TenantTransactions } from '@openrathaus/database';
import { TenantFolder, TestResponse, copyDemoTenants, get } from '@openrathaus/testing';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestPortal, startTestPortal } from '../support';
import { seedApplications } from '../support-casework';

const REGION = 'emscher-lippe.localhost';

interface UnionService {
  key: string;
  title: string;
  members: { slug: string; type: string; url: string }[];
  viaDistrict: string[];
  notOffered: string[];
}

interface ErrorAnswer {
  statusCode: number;
  message: string;
  errors?: { field: string; message: string }[];
}

const json = <T>(response: TestResponse): T => JSON.parse(response.body) as T;

describe('the region', () => {
  let portal: TestPortal;
  let folder: TenantFolder;
  const api = (path: string, headers: Record<string, string> = {}) => get(portal.port, path, REGION, headers);
  const page = (path: string, host = REGION, headers: Record<string, string> = {}) =>
    get(portal.port, path, host, { accept: 'text/html', ...headers });
  const base = (slug: string) => `http://${slug}.localhost:${portal.port}/`;

  beforeAll(async () => {
    folder = copyDemoTenants();
    const file = join(folder.dir, 'waltrop', 'tenant.yaml');
    folder.write(
      'waltrop',
      readFileSync(file, 'utf8').replace('postalCodes: ["45731"]', 'postalCodes: ["45731", "45711"]'),
    );
    portal = await startTestPortal({ tenantsDir: folder.dir });
    // Applications in two members (with names and e-mail addresses) and one outside the region.
    await seedApplications(portal.db.ownerUrl, 'gelsenkirchen', {
      count: 6,
      statuses: ['completed', 'in_review'],
      days: 20,
      prefix: 'GE-2026-',
    });
    await seedApplications(portal.db.ownerUrl, 'marl', {
      count: 4,
      statuses: ['completed'],
      days: 20,
      prefix: 'MA-2026-',
    });
    await seedApplications(portal.db.ownerUrl, 'dortmund', { count: 5, days: 20, prefix: 'DO-2026-' });
  });

  afterAll(async () => {
    await portal?.stop();
    folder?.remove();
  });

  describe('the union of the members’ services (GET /api/v1/services)', () => {
    it('finds "Hund" once, with the members that offer it and those that do not', async () => {
      const response = await api('/api/v1/services?q=Hund');
      expect(response.status).toBe(200);
      const services = json<UnionService[]>(response);
      const keys = services.map((s) => s.key);
      expect(new Set(keys).size).toBe(keys.length);
      const dog = services.find((s) => s.key === 'hundesteuer');
      expect(dog).toBeDefined();
      expect(dog?.members).toContainEqual({
        slug: 'marl',
        type: 'online',
        url: `${base('marl')}leistungen/hundesteuer`,
      });
      expect(dog?.members).toContainEqual(expect.objectContaining({ slug: 'gelsenkirchen', type: 'online' }));
      // Only members of the region: Düren, which develops the definition, is not one.
      expect(dog?.members.map((m) => m.slug)).not.toContain('dueren');
      expect(dog?.notOffered).toContain('kreis-recklinghausen');
    });

    it('finds "Parkausweis" where it is offered and says where it is not', async () => {
      const services = json<UnionService[]>(await api('/api/v1/services?q=Parkausweis'));
      const permit = services.find((s) => s.key === 'bewohnerparkausweis');
      expect(permit?.members.map((m) => m.slug).sort()).toEqual([
        'bottrop',
        'gelsenkirchen',
        'gladbeck',
        'recklinghausen',
      ]);
      // Dortmund and Duisburg adopt it too, but are not members of the region.
      expect(permit?.notOffered).toEqual(expect.arrayContaining(['marl', 'herten', 'waltrop']));
    });

    it('lists every service of the region once; services of the district hold for its towns', async () => {
      const services = json<UnionService[]>(await api('/api/v1/services'));
      expect(services.length).toBeGreaterThan(30);
      const ride = services.find((s) => s.key === 'fahrdienst');
      expect(ride?.members).toContainEqual({
        slug: 'kreis-recklinghausen',
        type: 'online',
        url: `${base('kreis-recklinghausen')}leistungen/fahrdienst`,
      });
      expect(ride?.viaDistrict).toEqual(expect.arrayContaining(['marl', 'datteln', 'herten', 'waltrop']));
      // Gelsenkirchen belongs to no district and offers it itself.
      expect(ride?.members.map((m) => m.slug)).toContain('gelsenkirchen');
      const link = services.find((s) => s.key === 'elster');
      expect(link?.members.every((m) => m.type === 'link')).toBe(true);
    });

    it('narrows to a Lebenslage, and names an unknown one', async () => {
      const services = json<UnionService[]>(await api('/api/v1/services?lebenslage=kfz-besitz'));
      expect(services.map((s) => s.key)).toContain('bewohnerparkausweis');
      expect(services.map((s) => s.key)).not.toContain('hundesteuer');
      const unknown = await api('/api/v1/services?lebenslage=gibt-es-nicht');
      expect(unknown.status).toBe(400);
      expect(json<ErrorAnswer>(unknown).errors?.[0].field).toBe('lebenslage');
    });

    it('refuses a repeated parameter, naming it', async () => {
      const response = await api('/api/v1/services?q=Hund&q=Katze');
      expect(response.status).toBe(400);
      expect(json<ErrorAnswer>(response).errors?.[0].field).toBe('q');
    });
  });

  describe('who is responsible (GET /api/v1/responsible)', () => {
    it('leads from a postal code to the town’s own page', async () => {
      const response = await api('/api/v1/responsible?postalCode=45768&service=hundesteuer');
      expect(response.status).toBe(200);
      expect(json(response)).toEqual({
        service: { key: 'hundesteuer', title: expect.any(String) },
        ambiguous: false,
        members: [
          { slug: 'marl', name: 'Marl', url: `${base('marl')}leistungen/hundesteuer`, type: 'online', town: 'marl' },
        ],
      });
    });

    it('leads every town of the district to the district’s portal for the district’s services', async () => {
      for (const town of ['marl', 'datteln', 'haltern-am-see', 'castrop-rauxel']) {
        const answer = json<{ members: { slug: string; url: string; type: string }[] }>(
          await api(`/api/v1/responsible?town=${town}&service=reitkennzeichen`),
        );
        expect(answer.members).toEqual([
          expect.objectContaining({
            slug: 'kreis-recklinghausen',
            type: 'district',
            url: `${base('kreis-recklinghausen')}leistungen/reitkennzeichen`,
          }),
        ]);
      }
      // A town outside the district does it itself.
      const bottrop = json<{ members: { slug: string }[] }>(
        await api('/api/v1/responsible?town=bottrop&service=reitkennzeichen'),
      );
      expect(bottrop.members[0].slug).toBe('bottrop');
    });

    it('answers both towns of a shared postal code, and the one chosen', async () => {
      const shared = json<{ ambiguous: boolean; members: { town: string }[] }>(
        await api('/api/v1/responsible?postalCode=45711&service=hundesteuer'),
      );
      expect(shared.ambiguous).toBe(true);
      expect(shared.members.map((m) => m.town)).toEqual(['datteln', 'waltrop']);
      const chosen = json<{ ambiguous: boolean; members: { slug: string }[] }>(
        await api('/api/v1/responsible?postalCode=45711&town=waltrop&service=hundesteuer'),
      );
      expect(chosen).toEqual(
        expect.objectContaining({ ambiguous: false, members: [expect.objectContaining({ slug: 'waltrop' })] }),
      );
    });

    it('names the faulty field, in German and English, never 500', async () => {
      const cases: [string, number, string][] = [
        ['/api/v1/responsible?postalCode=45768', 400, 'service'],
        ['/api/v1/responsible?service=hundesteuer', 400, 'postalCode'],
        ['/api/v1/responsible?postalCode=4576&service=hundesteuer', 400, 'postalCode'],
        ['/api/v1/responsible?postalCode=abcde&service=hundesteuer', 400, 'postalCode'],
        ['/api/v1/responsible?town=atlantis&service=hundesteuer', 400, 'town'],
        ['/api/v1/responsible?town=kreis-recklinghausen&service=fahrdienst', 400, 'town'],
        ['/api/v1/responsible?town=marl&service=nichts', 400, 'service'],
        ['/api/v1/responsible?town=marl&service=a&service=b', 400, 'service'],
        ['/api/v1/responsible?postalCode=10115&service=hundesteuer', 422, 'postalCode'],
        ['/api/v1/responsible?postalCode=45768&town=herten&service=hundesteuer', 422, 'town'],
      ];
      for (const [path, status, field] of cases) {
        const response = await api(path);
        expect([path, response.status]).toEqual([path, status]);
        expect([path, json<ErrorAnswer>(response).errors?.[0].field]).toEqual([path, field]);
      }
      const de = json<ErrorAnswer>(await api('/api/v1/responsible?postalCode=10115&service=hundesteuer'));
      expect(de.errors?.[0].message).toContain('gehört zu keiner Gemeinde der Region');
      const en = json<ErrorAnswer>(
        await api('/api/v1/responsible?postalCode=10115&service=hundesteuer', { 'accept-language': 'en' }),
      );
      expect(en.errors?.[0].message).toContain('belongs to no municipality of the region');
    });

    it('is the region’s alone: a town’s host answers 404', async () => {
      const response = await get(portal.port, '/api/v1/responsible?town=marl&service=hundesteuer', 'marl.localhost');
      expect(response.status).toBe(404);
      expect((await page('/region/suche?q=Hund', 'marl.localhost')).status).toBe(404);
    });
  });

  describe('the pages', () => {
    it('searches the region and shows each service once with who offers it how', async () => {
      const response = await page('/region/suche?q=Parkausweis');
      expect(response.status).toBe(200);
      expect(response.body.match(/id="service-bewohnerparkausweis"/g)).toHaveLength(1);
      expect(response.body).toContain(`href="${base('gelsenkirchen')}leistungen/bewohnerparkausweis"`);
      expect(response.body).toContain('Nicht angeboten bei');
      expect(response.body).toContain('/region/zustaendigkeit?service&#x3D;bewohnerparkausweis');
      const home = await page('/');
      expect(home.body).toContain('action="/region/suche"');
      const english = await page('/region/suche?q=Hund&lang=en');
      expect(english.body).toContain('Online at');
    });

    it('finds the responsible member, asks for the town of a shared postal code, names faulty fields', async () => {
      const form = await page('/region/zustaendigkeit?service=fahrdienst');
      expect(form.status).toBe(200);
      expect(form.body).toContain('<option value="fahrdienst" selected>');
      const district = await page('/region/zustaendigkeit?postalCode=45768&town=&service=fahrdienst');
      expect(district.status).toBe(200);
      expect(district.body).toContain(`href="${base('kreis-recklinghausen')}leistungen/fahrdienst"`);
      expect(district.body).toContain('Kreis Recklinghausen zuständig');
      const shared = await page('/region/zustaendigkeit?postalCode=45711&town=&service=hundesteuer');
      expect(shared.body).toContain('gehört zu mehreren Orten');
      expect(shared.body).toContain(
        '/region/zustaendigkeit?postalCode&#x3D;45711&amp;town&#x3D;waltrop&amp;service&#x3D;hundesteuer',
      );
      const bad = await page('/region/zustaendigkeit?postalCode=12&town=&service=fahrdienst');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('id="f-postalCode-error"');
      const nothing = await page('/region/zustaendigkeit?postalCode=&town=&service=');
      expect(nothing.status).toBe(400);
      expect(nothing.body).toContain('id="f-service-error"');
    });

    it('shows what is online where, with the totals of the region', async () => {
      const response = await page('/region/vergleich');
      expect(response.status).toBe(200);
      expect(response.body).toContain('id="comparison"');
      expect(response.body).toContain('id="row-fahrdienst"');
      // Members are the columns: the district and every town.
      for (const name of ['Kreis Recklinghausen', 'Gelsenkirchen', 'Marl', 'Waltrop'])
        expect(response.body).toContain(name);
      expect(response.body).toContain('<tfoot');
      expect(response.body).toMatch(/mindestens ein Mitglied online an/);
      expect(response.body).toContain('or-cell--district');
    });

    it('shows the region’s Lebenslagen, each service leading through the finder', async () => {
      const lagen = await page('/region/lebenslagen');
      expect(lagen.status).toBe(200);
      const link = /href="(\/region\/lebenslagen\/[a-z0-9-]+)"/.exec(lagen.body);
      expect(link).not.toBeNull();
      const lage = await page(link![1]);
      expect(lage.status).toBe(200);
      expect(lage.body).toContain('/region/zustaendigkeit?service&#x3D;');
      expect((await page('/region/lebenslagen/gibt-es-nicht')).status).toBe(404);
    });

    it('says on a town’s list which services its district offers for it', async () => {
      const list = await page('/leistungen', 'marl.localhost');
      expect(list.body).toContain('Leistungen des Kreises');
      expect(list.body).toContain(`href="${base('kreis-recklinghausen')}leistungen/fahrdienst"`);
      expect(list.body).toContain('Zuständig: Kreis Recklinghausen');
      const search = await page('/leistungen?q=Reitkennzeichen', 'datteln.localhost');
      expect(search.body).toContain(`href="${base('kreis-recklinghausen')}leistungen/reitkennzeichen"`);
      // A town outside a district shows none.
      expect((await page('/leistungen', 'gelsenkirchen.localhost')).body).not.toContain('Leistungen des Kreises');
    });
  });

  describe('the statistics', () => {
    it('sums the members’ applications, without anything about a person', async () => {
      const response = await api('/api/v1/region/statistics');
      expect(response.status).toBe(200);
      const stats = json<{
        total: { submitted: number; completed: number };
        members: { slug: string; submitted: number; completed: number }[];
        services: { key: string; submitted: number }[];
        months: { month: string; submitted: number }[];
      }>(response);
      // Gelsenkirchen's 6 and Marl's 4; Dortmund's 5 are outside the region.
      expect(stats.total.submitted).toBe(10);
      expect(stats.members.find((m) => m.slug === 'gelsenkirchen')).toEqual(
        expect.objectContaining({ submitted: 6, completed: 3 }),
      );
      expect(stats.members.find((m) => m.slug === 'marl')).toEqual(
        expect.objectContaining({ submitted: 4, completed: 4 }),
      );
      expect(stats.services).toEqual([expect.objectContaining({ key: 'gewerbeanzeige', submitted: 10 })]);
      expect(stats.months).toHaveLength(12);
      for (const personal of ['@example.org', 'Mustermann', 'Erika', 'GE-2026-', 'MA-2026-']) {
        expect(response.body).not.toContain(personal);
      }
      const html = await page('/region/statistik');
      expect(html.status).toBe(200);
      expect(html.body).toContain('<svg');
      expect(html.body).toContain('id="table-months"');
      expect(html.body).toContain('10 Anträge, davon 7 online erledigt');
      expect(html.body).not.toContain('@example.org');
    });

    it('refuses a malformed period, naming the field', async () => {
      const response = await api('/api/v1/region/statistics?from=2026-13');
      expect(response.status).toBe(400);
      expect(json<ErrorAnswer>(response).errors?.[0].field).toBe('from');
      expect((await page('/region/statistik?from=2026-05&to=2026-01')).status).toBe(400);
    });

    it('keeps each member’s figures to its own applications, by service and by SQL', async () => {
      const registry = portal.app.get(TenantRegistry);
      const gelsenkirchen = registry.get('gelsenkirchen')!;
      const marl = registry.get('marl')!;
      const figures = await portal.app
        .get(TenantStatistics)
        .of(gelsenkirchen, { from: '2000-01-01', to: '2100-01-01' }, 'de');
      expect(figures.rows.reduce((n, r) => n + r.submitted, 0)).toBe(6);
      const transactions = portal.app.get(TenantTransactions);
      const casework = portal.app.get(Casework);
      const marlFigures = await transactions.run(marl.id, (scope) =>
        casework.monthly(scope, '2000-01-01', '2100-01-01'),
      );
      expect(marlFigures.reduce((n, r) => n + r.submitted, 0)).toBe(4);
      // Asked for another tenant's rows inside Marl's transaction: row-level security gives none.
      const foreign = await transactions.run(marl.id, (scope) =>
        scope.query<{ n: number }>(`select count(*)::int as n from public.applications where tenant_id = $1`, [
          gelsenkirchen.id,
        ]),
      );
      expect(foreign[0].n).toBe(0);
      // The region itself owns no applications.
      const own = await transactions.run(registry.get('emscher-lippe')!.id, (scope) =>
        scope.query<{ n: number }>(`select count(*)::int as n from public.applications`),
      );
      expect(own[0].n).toBe(0);
    });
  });
});
