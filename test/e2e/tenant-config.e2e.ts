import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@openrathaus/core';
import { TenantRegistry, TenantSync } from '@openrathaus/tenancy';
import { TenantFolder, copyDemoTenants, get } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal, cli } from '../support';

describe('tenants validate', () => {
  let folder: TenantFolder;
  const original = (slug: string) => readFileSync(join(folder.dir, slug, 'tenant.yaml'), 'utf8');

  beforeEach(() => {
    folder = copyDemoTenants();
  });
  afterEach(() => folder.remove());

  it('passes the demo tenants', async () => {
    const result = await cli(['tenants', 'validate', folder.dir]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^17 tenants and \d+ process definitions checked, 0 faults$/);
  });

  it.each([
    [
      'a bad AGS',
      'marl',
      (y: string) => y.replace(/ags: "05562024"/, 'ags: "5562024"'),
      'marl/tenant.yaml: ags: must be an 8-digit Amtlicher Gemeindeschlüssel',
    ],
    [
      'an AGS outside its district',
      'marl',
      (y: string) => y.replace(/ags: "05562024"/, 'ags: "05913024"'),
      "marl/tenant.yaml: ags: must begin with the district's key 05562",
    ],
    [
      'an unknown region',
      'herten',
      (y: string) => y.replace('region: emscher-lippe', 'region: ruhrgebiet'),
      'herten/tenant.yaml: region: names no region tenant "ruhrgebiet"',
    ],
    [
      'a bad colour',
      'datteln',
      (y: string) => y.replace(/primaryColor: "#[0-9a-fA-F]{6}"/, 'primaryColor: "blue"'),
      'datteln/tenant.yaml: branding.primaryColor: must be a colour like #004b93',
    ],
    [
      'a colour too light for white text',
      'datteln',
      (y: string) => y.replace(/primaryColor: "#[0-9a-fA-F]{6}"/, 'primaryColor: "#ffee00"'),
      'datteln/tenant.yaml: branding.primaryColor: has a contrast of',
    ],
    [
      'an unknown field',
      'gladbeck',
      (y: string) => `${y}\nmayor: Bettina Weist\n`,
      'gladbeck/tenant.yaml: mayor: is not a known field / ist kein bekanntes Feld',
    ],
    ['broken YAML', 'waltrop', (y: string) => `${y}\n  : : [\n`, 'waltrop/tenant.yaml: (file): is not valid YAML'],
    [
      'a service handed to a delivery target that does not exist',
      'datteln',
      (y: string) => `${y}\ndelivery:\n  services:\n    hundesteuer: fachverfahren\n`,
      'datteln/tenant.yaml: delivery.services.hundesteuer: names no delivery target "fachverfahren" of this tenant',
    ],
    [
      'a webhook target without a URL',
      'datteln',
      (y: string) => `${y}\ndelivery:\n  targets:\n    - { id: fachverfahren, kind: webhook }\n`,
      'datteln/tenant.yaml: delivery.targets.0.url: must be an http(s) URL',
    ],
    [
      'services whose hand-off by e-mail has no address',
      'datteln',
      (y: string) => y.replace(/^contact:\n(  .*\n)*/m, '').replace(/^ {6}email: .*\n/gm, ''),
      'datteln/tenant.yaml: services[0]: service "',
    ],
  ])('names file and field of %s, in English and German, and exits 1', async (_what, slug, change, expected) => {
    folder.write(slug, change(original(slug)));
    const result = await cli(['tenants', 'validate', folder.dir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(expected);
    expect(result.err.split('\n').every((line) => line.includes(`${slug}/tenant.yaml`))).toBe(true);
    expect(result.err).toMatch(/ \/ \S/);
  });

  it('names both tenants of a domain claimed twice', async () => {
    folder.write('bottrop', original('bottrop').replace('serviceportal.bottrop.de', 'serviceportal.gelsenkirchen.de'));
    const result = await cli(['tenants', 'validate', folder.dir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('bottrop/tenant.yaml: domains[0]: is claimed by tenant "gelsenkirchen" too');
    expect(result.err).toContain('gelsenkirchen/tenant.yaml: domains[0]: is claimed by tenant "bottrop" too');
  });
});

describe('a broken tenant file stops that tenant alone', () => {
  let folder: TenantFolder;
  let portal: TestPortal;

  beforeAll(async () => {
    folder = copyDemoTenants();
    folder.write(
      'marl',
      readFileSync(join(folder.dir, 'marl', 'tenant.yaml'), 'utf8').replace(/ags: "\d+"/, 'ags: "x"'),
    );
    portal = await startTestPortal({ tenantsDir: folder.dir });
  });
  afterAll(async () => {
    await portal.stop();
    folder.remove();
  });

  it('answers a maintenance page with 503 on the broken tenant and serves all others', async () => {
    const marl = await get(portal.port, '/', 'marl.localhost', { accept: 'text/html' });
    expect(marl.status).toBe(503);
    expect(marl.body).toContain('Wartungsarbeiten');
    const api = await get(portal.port, '/api/v1/tenant', 'marl.localhost');
    expect(JSON.parse(api.body)).toMatchObject({ statusCode: 503, code: 'tenancy.tenant_unavailable' });
    for (const slug of ['herten', 'gelsenkirchen', 'emscher-lippe']) {
      expect((await get(portal.port, '/', `${slug}.localhost`)).status).toBe(200);
    }
    const region = await get(portal.port, '/', 'emscher-lippe.localhost');
    expect(region.body).not.toContain('marl.localhost');
  });

  it('serves the tenant again after the file is mended and synced, with no restart', async () => {
    const before = await get(portal.port, '/', 'gelsenkirchen.localhost');
    expect(before.body).toContain('Stadt Gelsenkirchen');
    folder.write('marl', readFileSync(join(__dirname, '..', '..', 'tenants', 'marl', 'tenant.yaml'), 'utf8'));
    const yaml = readFileSync(join(folder.dir, 'gelsenkirchen', 'tenant.yaml'), 'utf8');
    folder.write('gelsenkirchen', yaml.replace(/primaryColor: "#[0-9a-fA-F]{6}"/, 'primaryColor: "#7a1f1f"'));
    const env = {
      DATABASE_URL: portal.config.databaseUrl,
      DATABASE_OWNER_URL: portal.config.databaseOwnerUrl,
      REDIS_URL: portal.config.redisUrl,
      QUEUE_PREFIX: portal.config.queuePrefix,
    };
    const result = await cli(['tenants', 'sync', folder.dir], env);
    expect(result.out).toContain('updated 2');
    expect(result.code).toBe(0);
    await eventually(async () => (await get(portal.port, '/', 'marl.localhost')).status === 200);
    const after = await eventually(async () => {
      const page = await get(portal.port, '/', 'gelsenkirchen.localhost');
      return page.body.includes('/assets/theme/7a1f1f-') ? page : undefined;
    });
    expect(after.status).toBe(200);
  });
});

describe('a start with unchanged tenants reads no tenant file twice', () => {
  let folder: TenantFolder;
  let portal: TestPortal;
  let sync: TenantSync;

  beforeAll(async () => {
    folder = copyDemoTenants();
    portal = await startTestPortal({ tenantsDir: folder.dir });
    sync = portal.app.get(TenantSync);
  });
  afterAll(async () => {
    await portal.stop();
    folder.remove();
  });

  it('skips the sync when the folder and the database are as the last sync left them', async () => {
    const result = await sync.syncIfChanged(folder.dir);
    expect(result).toMatchObject({ skipped: true });
    expect((await get(portal.port, '/', 'herten.localhost')).status).toBe(200);
  });

  it('syncs a changed file, and then skips again', async () => {
    const yaml = readFileSync(join(folder.dir, 'herten', 'tenant.yaml'), 'utf8');
    folder.write('herten', yaml.replace(/^name: .*$/m, 'name: "Stadt Herten (geändert)"'));
    const changed = await sync.syncIfChanged(folder.dir);
    expect(changed).toMatchObject({ updated: ['herten'] });
    await expect(sync.syncIfChanged(folder.dir)).resolves.toMatchObject({ skipped: true });
  });

  it('syncs when a definition file below the folder changed, even with every tenant.yaml the same', async () => {
    const file = join(folder.dir, 'gelsenkirchen', 'processes', 'bewohnerparkausweis', '1.5.0.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# a comment\n`);
    const report = await sync.syncIfChanged(folder.dir);
    expect(report).not.toHaveProperty('skipped');
    // Read again; a comment changes nothing that is published.
    expect(report).toMatchObject({ created: [], updated: [], stopped: [] });
  });

  it('syncs when the database changed since, and restores what a tenant file says', async () => {
    const file = join(folder.dir, 'gelsenkirchen', 'processes', 'bewohnerparkausweis', '1.5.0.yaml');
    writeFileSync(
      file,
      readFileSync(join(projectRoot(), 'tenants', 'gelsenkirchen', 'processes', 'bewohnerparkausweis', '1.5.0.yaml')),
    );
    await sync.syncIfChanged(folder.dir);
    const owner = new Client({ connectionString: portal.config.databaseOwnerUrl });
    await owner.connect();
    try {
      await owner.query(
        `update public.tenants set name = 'Irgendwer', revision = revision + 1, updated_at = now() where slug = 'herten'`,
      );
    } finally {
      await owner.end();
    }
    const report = await sync.syncIfChanged(folder.dir);
    expect(report).not.toHaveProperty('skipped');
    expect(portal.app.get(TenantRegistry).get('herten')).toBeDefined();
    const row = await eventually(async () => {
      const page = await get(portal.port, '/', 'herten.localhost');
      return page.body.includes('Stadt Herten (geändert)') ? page : undefined;
    });
    expect(row.status).toBe(200);
  });
});
