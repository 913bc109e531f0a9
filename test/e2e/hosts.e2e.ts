import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { get } from '@openrathaus/testing';
import { DEMO_SLUGS, TestPortal, startTestPortal } from '../support';

const tenantFile = (slug: string) =>
  parse(readFileSync(join(__dirname, '..', '..', 'tenants', slug, 'tenant.yaml'), 'utf8')) as {
    name: string;
    domains: string[];
    branding: { primaryColor: string };
  };

describe('host resolution', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(() => portal.stop());

  it.each(DEMO_SLUGS)('%s answers on its development host and its configured domain', async (slug) => {
    const file = tenantFile(slug);
    for (const host of [`${slug}.localhost:3000`, file.domains[0]]) {
      const page = await get(portal.port, '/', host, { accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.body).toContain(file.name);
      // The tenant's colours come as a stylesheet named after them.
      expect(page.body).toContain(`/assets/theme/${file.branding.primaryColor.slice(1).toLowerCase()}-`);
      const api = await get(portal.port, '/api/v1/tenant', host);
      expect(JSON.parse(api.body)).toMatchObject({ slug, name: file.name });
    }
  });

  it('shows the region with its 13 members, each linked to its portal', async () => {
    const page = await get(portal.port, '/', 'emscher-lippe.localhost');
    const links = [...page.body.matchAll(/href="http:\/\/([a-z-]+)\.localhost:\d+\/"/g)].map((m) => m[1]);
    const members = DEMO_SLUGS.slice(1, 14);
    expect(new Set(links)).toEqual(new Set(members));
  });

  it('lists every portal on localhost', async () => {
    const page = await get(portal.port, '/', 'localhost');
    expect(page.status).toBe(200);
    for (const slug of DEMO_SLUGS) expect(page.body).toContain(`http://${slug}.localhost:`);
  });

  it('answers an unknown host with a 404 page and never a default tenant', async () => {
    const page = await get(portal.port, '/', 'www.example.org', { accept: 'text/html' });
    expect(page.status).toBe(404);
    expect(page.body).toContain('kein Serviceportal');
    expect(page.body).not.toContain('Gelsenkirchen');
    const api = await get(portal.port, '/api/v1/tenant', 'nowhere.localhost');
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toMatchObject({ statusCode: 404, code: 'tenancy.unknown_host' });
  });

  it('ignores X-Forwarded-Host unless told to trust a proxy', async () => {
    const page = await get(portal.port, '/api/v1/tenant', 'gelsenkirchen.localhost', {
      'x-forwarded-host': 'bottrop.localhost',
    });
    expect(JSON.parse(page.body).slug).toBe('gelsenkirchen');
  });

  it('answers in the language asked for, and remembers it', async () => {
    const en = await get(portal.port, '/?lang=en', 'gelsenkirchen.localhost');
    expect(en.body).toContain('<html lang="en" dir="ltr">');
    expect(en.body).toContain('Service portal');
    expect(String(en.headers['set-cookie'])).toContain('lang=en');
    const again = await get(portal.port, '/', 'gelsenkirchen.localhost', { cookie: 'lang=en' });
    expect(again.body).toContain('<html lang="en" dir="ltr">');
    const byHeader = await get(portal.port, '/', 'gelsenkirchen.localhost', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(byHeader.body).toContain('<html lang="en" dir="ltr">');
    const de = await get(portal.port, '/', 'gelsenkirchen.localhost');
    expect(de.body).toContain('<html lang="de" dir="ltr">');
  });

  it('serves health, metrics per tenant and the OpenAPI document', async () => {
    const health = await get(portal.port, '/health', '10.1.2.3:3000');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({
      status: 'ok',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    const metrics = await get(portal.port, '/metrics', 'localhost');
    expect(metrics.body).toMatch(
      /openrathaus_http_requests_total\{tenant="gelsenkirchen",method="GET",status="2xx"\} \d+/,
    );
    const onTenantHost = await get(portal.port, '/metrics', 'serviceportal.gelsenkirchen.de');
    expect(onTenantHost.status).toBe(404);
    const docs = await get(portal.port, '/api/docs-json', 'gelsenkirchen.localhost');
    const paths = Object.keys((JSON.parse(docs.body) as { paths: object }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/tenant',
        '/api/v1/services',
        '/api/v1/services/{key}',
        '/api/v1/lebenslagen',
        '/api/v1/backoffice/login',
        '/api/v1/admin/processes',
        '/api/v1/admin/processes/{owner}/{key}/usage',
        '/api/v1/admin/processes/{owner}/{key}/diff',
      ]),
    );
  });

  it('answers an unknown path with a 404 in the tenant look, and JSON on the API', async () => {
    const page = await get(portal.port, '/no/such/page', 'recklinghausen.localhost', { accept: 'text/html' });
    expect(page.status).toBe(404);
    expect(page.body).toContain('Seite nicht gefunden');
    expect(page.body).toContain('Recklinghausen');
    const api = await get(portal.port, '/api/v1/nothing', 'recklinghausen.localhost');
    expect(JSON.parse(api.body)).toMatchObject({ statusCode: 404, code: 'http.not_found' });
  });
});

describe('behind a trusted proxy', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(() => portal.stop());

  it('takes the tenant from X-Forwarded-Host', async () => {
    const page = await get(portal.port, '/api/v1/tenant', 'internal-lb', {
      'x-forwarded-host': 'serviceportal.bottrop.de',
    });
    expect(JSON.parse(page.body).slug).toBe('bottrop');
  });
});

describe('health when Redis is away', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    // Nothing listens on port 1: the queue store is down from the start.
    portal = await startTestPortal({ redisUrl: 'redis://127.0.0.1:1', syncTenantsOnStart: false, runWorker: false });
  });
  afterAll(() => portal.stop());

  it('answers 503 and names what is down, while pages still render', async () => {
    const health = await get(portal.port, '/health', 'localhost');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({
      status: 'down',
      checks: { postgres: { status: 'up' }, redis: { status: 'down' } },
    });
  });
});
