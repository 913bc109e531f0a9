import fc from 'fast-check';
import { Client } from 'pg';
import { TestResponse, get, send, sendBody } from '@openrathaus/testing';
import { TenantSync } from '@openrathaus/tenancy';
import { TestPortal, cli, cliEnv, eventually, startTestPortal } from '../support';
import { registerCitizen } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';
import { OPERATOR_HOST, OperatorLogin, portalOperator } from '../support-operator';
import { StaffLogin, staffSession, totpCode } from '../support-staff';

const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the operator console', () => {
  let portal: TestPortal;
  let smtp: TestSmtp;
  let operator: OperatorLogin;
  let admin: StaffLogin;
  let caseworker: StaffLogin;
  let citizenCookie: string;
  const op = (method: string, path: string, body?: unknown, cookie = operator.cookie) =>
    send(portal.port, method, path, OPERATOR_HOST, body, cookie ? { cookie } : {});
  const newCity = (slug: string, extra: Record<string, unknown> = {}) => ({
    slug,
    name: `Stadt ${slug}`,
    ags: '05562099',
    region: 'emscher-lippe',
    domains: [`serviceportal.${slug}.de`],
    branding: { primaryColor: '#1d4f91' },
    adminEmail: `admin@${slug}.de`,
    ...extra,
  });

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    operator = await portalOperator(portal, 'betrieb@gkd-el.de');
    admin = await staffSession(portal, 'gelsenkirchen', 'admin@gelsenkirchen.de', 'tenant-admin');
    caseworker = await staffSession(portal, 'herten', 'sb@herten.de', 'caseworker', ['buergerbuero']);
    citizenCookie = (await registerCitizen(portal, smtp, 'gelsenkirchen.localhost', 'buerger@example.org')).cookie;
  }, 180_000);

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  describe('answers only on its host and only to operators', () => {
    it('is 404 on every other host, with or without an operator session', async () => {
      for (const host of ['gelsenkirchen.localhost', 'localhost', 'unknown.example']) {
        const api = await send(portal.port, 'GET', '/api/v1/operator/tenants', host, undefined, {
          cookie: operator.cookie,
        });
        expect(api.status).toBe(404);
        const page = await get(portal.port, '/konsole', host, { cookie: operator.cookie, accept: 'text/html' });
        expect(page.status).toBe(404);
      }
    });

    it('answers nothing but the console on its host', async () => {
      expect((await get(portal.port, '/services', OPERATOR_HOST)).status).toBe(404);
      expect((await get(portal.port, '/api/v1/services', OPERATOR_HOST)).status).toBe(404);
      const home = await get(portal.port, '/', OPERATOR_HOST);
      expect(home.status).toBe(303);
      expect(home.headers.location).toBe('/konsole');
    });

    it('refuses tenant admins and caseworkers of any tenant with 403', async () => {
      for (const staff of [admin, caseworker]) {
        const r = await op('GET', '/api/v1/operator/tenants', undefined, staff.cookie);
        expect(r.status).toBe(403);
        expect(json(r).code).toBe('operations.forbidden');
      }
      // Their own credentials do not log in to the console either.
      const login = await op('POST', '/api/v1/operator/login', { email: admin.email, password: admin.password }, '');
      expect(login.status).toBe(401);
    });

    it('refuses citizens and strangers with 401', async () => {
      expect((await op('GET', '/api/v1/operator/tenants', undefined, citizenCookie)).status).toBe(401);
      expect((await op('GET', '/api/v1/operator/tenants', undefined, '')).status).toBe(401);
      const page = await get(portal.port, '/konsole', OPERATOR_HOST, { accept: 'text/html' });
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/konsole/anmelden');
    });

    it('logs in with password and TOTP as the back office does', async () => {
      const half = await op(
        'POST',
        '/api/v1/operator/login',
        { email: operator.email, password: operator.password },
        '',
      );
      expect(half.status).toBe(200);
      expect(json(half).next).toBe('totp');
      const cookie = /or_operator=[^;]+/.exec(String(half.headers['set-cookie']))![0];
      expect((await op('GET', '/api/v1/operator/tenants', undefined, cookie)).status).toBe(403);
      const wrong = await op(
        'POST',
        '/api/v1/operator/login',
        { email: operator.email, password: 'falsch falsch falsch' },
        '',
      );
      expect(wrong.status).toBe(401);
      // The operator's session does not open a tenant's back office.
      const backoffice = await send(
        portal.port,
        'GET',
        '/api/v1/backoffice/session',
        'gelsenkirchen.localhost',
        undefined,
        {
          cookie: operator.cookie.replace('or_operator', 'or_staff'),
        },
      );
      expect(backoffice.status).toBe(401);
    });
  });

  describe('tenants', () => {
    it('lists every tenant with the fields of the contract', async () => {
      const r = await op('GET', '/api/v1/operator/tenants');
      expect(r.status).toBe(200);
      const list = json(r) as unknown as Record<string, unknown>[];
      const ge = list.find((t) => t.slug === 'gelsenkirchen')!;
      for (const field of [
        'slug',
        'kind',
        'status',
        'domains',
        'revision',
        'services',
        'applications30d',
        'errors24h',
      ]) {
        expect(ge).toHaveProperty(field);
      }
      expect(ge).toMatchObject({ kind: 'municipality', status: 'live', region: 'emscher-lippe', source: 'files' });
      expect(ge.services as number).toBeGreaterThanOrEqual(40);
      expect(ge.servicesLink as number).toBeGreaterThan(0);
      expect(list.length).toBeGreaterThanOrEqual(17);
    });

    it('shows a tenant with its services, staff and audit trail', async () => {
      const r = await op('GET', '/api/v1/operator/tenants/gelsenkirchen');
      expect(r.status).toBe(200);
      const detail = json(r);
      expect(detail.config.slug).toBe('gelsenkirchen');
      expect(detail.staff.map((s: { email: string }) => s.email)).toContain('admin@gelsenkirchen.de');
      expect(detail.services.some((s: { version?: string }) => s.version)).toBe(true);
      expect((await op('GET', '/api/v1/operator/tenants/nirgendwo')).status).toBe(404);
    });
  });

  describe('onboarding', () => {
    it('creates a tenant that serves 40+ services, with its first tenant admin', async () => {
      const r = await op('POST', '/api/v1/operator/tenants', newCity('neustadt'));
      expect(r.status).toBe(201);
      const done = json(r);
      expect(done.admin.password).toMatch(/\S{12,}/);
      const services = await eventually(async () => {
        const page = await get(portal.port, '/api/v1/services', 'neustadt.localhost');
        return page.status === 200 && (JSON.parse(page.body) as unknown[]).length >= 40 && page;
      }, 30_000);
      expect((JSON.parse(services.body) as unknown[]).length).toBeGreaterThanOrEqual(40);
      const login = await send(portal.port, 'POST', '/api/v1/backoffice/login', 'neustadt.localhost', {
        email: 'admin@neustadt.de',
        password: done.admin.password,
      });
      expect(login.status).toBe(200);
      const listed = (json(await op('GET', '/api/v1/operator/tenants')) as unknown as Record<string, unknown>[]).find(
        (t) => t.slug === 'neustadt',
      );
      expect(listed).toMatchObject({ source: 'console', status: 'live', region: 'emscher-lippe' });
    });

    it('refuses a slug, domain or AGS that exists and an invalid colour, naming each field', async () => {
      const taken = await op(
        'POST',
        '/api/v1/operator/tenants',
        newCity('gelsenkirchen', { ags: '05513000', domains: ['serviceportal.gelsenkirchen.de'] }),
      );
      expect(taken.status).toBe(422);
      const fields = (json(taken).errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['slug', 'domains[0]', 'ags']));
      const colour = await op(
        'POST',
        '/api/v1/operator/tenants',
        newCity('altstadt', { ags: '05562098', branding: { primaryColor: 'rot' } }),
      );
      expect(colour.status).toBe(422);
      expect(json(colour).errors).toEqual([
        { field: 'branding.primaryColor', message: expect.stringMatching(/#004b93/) },
      ]);
      const other = await op(
        'POST',
        '/api/v1/operator/tenants',
        newCity('altstadt', { ags: '05562098', domains: ['serviceportal.neustadt.de'] }),
      );
      expect(json(other).errors).toEqual([{ field: 'domains[0]', message: expect.stringContaining('neustadt') }]);
    });

    it('answers a fuzzed onboarding form with 4xx, never 5xx', async () => {
      const value = fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.boolean(),
        fc.array(fc.string()),
        fc.object(),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              slug: value,
              name: value,
              ags: value,
              region: value,
              domains: value,
              branding: fc.oneof(value, fc.record({ primaryColor: value })),
              kind: value,
              status: value,
              locales: value,
              offices: value,
              services: value,
              adminEmail: value,
            },
            { requiredKeys: [] },
          ),
          async (body) => {
            const r = await op('POST', '/api/v1/operator/tenants', body);
            expect(r.status).toBeLessThan(500);
            if (r.status === 201) expect(json(r).slug).toBeDefined();
          },
        ),
        { numRuns: 60 },
      );
      for (const raw of ['[]', 'null', '"x"', '{"slug":{"__proto__":{"a":1}}}']) {
        const r = await sendBody(portal.port, 'POST', '/api/v1/operator/tenants', OPERATOR_HOST, Buffer.from(raw), {
          'content-type': 'application/json',
          cookie: operator.cookie,
        });
        expect(r.status).toBeLessThan(500);
      }
    });

    it('writes a valid tenant.yaml with the command line', async () => {
      const { mkdtempSync, cpSync, readFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
      cpSync(portal.config.tenantsDir, dir, { recursive: true });
      const created = await cli(
        ['tenants', 'new', 'neuenkirchen', '--ags', '05562097', '--region', 'emscher-lippe', '--dir', dir],
        cliEnv(portal),
      );
      expect(created.code).toBe(0);
      expect(readFileSync(join(dir, 'neuenkirchen', 'tenant.yaml'), 'utf8')).toMatch(/ags: "?05562097/);
      const valid = await cli(['tenants', 'validate', dir], cliEnv(portal));
      expect(valid.err).not.toMatch(/neuenkirchen/);
      const again = await cli(['tenants', 'new', 'neuenkirchen2', '--ags', '05562097', '--dir', dir], cliEnv(portal));
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/ags/);
    });

    it('exports an onboarded tenant as tenant.yaml', async () => {
      const r = await op('GET', '/api/v1/operator/tenants/neustadt/tenant.yaml');
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/^slug: neustadt$/m);
      expect(r.body).toMatch(/definition: /);
    });
  });

  describe('suspension', () => {
    it('shows the message to citizens and survives tenants sync', async () => {
      const message = 'Wegen Umstellung bis Montag nicht erreichbar.';
      expect((await op('POST', '/api/v1/operator/tenants/bottrop/suspend', { message })).status).toBe(204);
      const page = await eventually(async () => {
        const r = await get(portal.port, '/', 'bottrop.localhost', { accept: 'text/html' });
        return r.status === 503 && r;
      });
      expect(page.headers['retry-after']).toBeDefined();
      expect(page.body).toContain(message);
      await portal.app.get(TenantSync).sync(portal.config.tenantsDir);
      const list = json(await op('GET', '/api/v1/operator/tenants')) as unknown as Record<string, unknown>[];
      expect(list.find((t) => t.slug === 'bottrop')).toMatchObject({ status: 'suspended', suspension: { message } });
      expect((await get(portal.port, '/', 'bottrop.localhost')).status).toBe(503);
      expect((await op('POST', '/api/v1/operator/tenants/bottrop/suspend', { message: '' })).status).toBe(422);
      expect((await op('POST', '/api/v1/operator/tenants/bottrop/resume')).status).toBe(204);
      await eventually(async () => (await get(portal.port, '/', 'bottrop.localhost')).status === 200);
    });
  });

  describe('audit', () => {
    it('records every operator action', async () => {
      const db = new Client({ connectionString: portal.db.ownerUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ action: string; actor: string | null }>(
          `select action, actor from public.audit_log where action like 'operator.%'`,
        );
        const actions = rows.map((r) => r.action);
        expect(actions).toEqual(
          expect.arrayContaining([
            'operator.account_added',
            'operator.totp_enrolled',
            'operator.login',
            'operator.login_failed',
            'operator.tenant_viewed',
            'operator.tenant_onboarded',
            'operator.tenant_exported',
            'operator.tenant_suspended',
            'operator.tenant_resumed',
          ]),
        );
      } finally {
        await db.end();
      }
    });
  });

  it('logs in on the pages too', async () => {
    expect(totpCode(operator.secret)).toMatch(/^\d{6}$/);
    const form = await get(portal.port, '/konsole/anmelden', OPERATOR_HOST);
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="_csrf"');
  });
});
