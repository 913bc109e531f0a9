import { stringify } from 'yaml';
import { TestResponse, send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv, startTestPortal } from '../support';

const definition = (version: string, extra: Record<string, unknown> = {}) => ({
  key: 'baumfaellung',
  version,
  visibility: 'shared',
  leika: '99103003000000',
  title: { de: 'Baumfällgenehmigung', en: 'Tree felling permit' },
  summary: { de: 'Genehmigung zum Fällen eines geschützten Baumes' },
  lebenslagen: ['wohnen-umzug'],
  trustLevel: 'basic',
  retention: 'P3Y',
  form: {
    pages: [{ id: 'baum', title: { de: 'Baum' }, items: [{ id: 'art', type: 'text', label: { de: 'Baumart' } }] }],
  },
  steps: [{ id: 'formular', kind: 'form' }],
  ...extra,
});

describe('tenant-admin API for process definitions', () => {
  let portal: TestPortal;
  const addStaff = async (tenant: string, email: string, role: string) => {
    const result = await cli(['staff', 'add', '--tenant', tenant, '--email', email, '--role', role], cliEnv(portal));
    return { code: result.code, password: /one-time password: (\S+)/.exec(result.out)?.[1] ?? '', err: result.err };
  };
  const login = async (tenant: string, email: string, password: string) => {
    const response = await send(portal.port, 'POST', '/api/v1/backoffice/login', `${tenant}.localhost`, {
      email,
      password,
    });
    const setCookie = String(response.headers['set-cookie'] ?? '');
    return { response, cookie: /or_staff=[^;]+/.exec(setCookie)?.[0] ?? '', setCookie };
  };
  const call = (tenant: string, cookie: string, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, `${tenant}.localhost`, body, cookie ? { cookie } : {});
  const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  let geAdmin = '';
  let reAdmin = '';
  beforeAll(async () => {
    portal = await startTestPortal();
    const ge = await addStaff('gelsenkirchen', 'Admin@Gelsenkirchen.de', 'tenant-admin');
    const re = await addStaff('recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
    expect(ge.code).toBe(0);
    geAdmin = (await login('gelsenkirchen', 'admin@gelsenkirchen.de', ge.password)).cookie;
    reAdmin = (await login('recklinghausen', 'admin@recklinghausen.de', re.password)).cookie;
  });
  afterAll(async () => portal?.stop());

  it('refuses bad staff input on the command line, naming the field', async () => {
    expect((await addStaff('gelsenkirchen', 'kein-mail', 'tenant-admin')).err).toContain('email');
    expect((await addStaff('gelsenkirchen', 'x@gelsenkirchen.de', 'chef')).err).toContain('role');
    expect((await addStaff('atlantis', 'x@atlantis.de', 'caseworker')).err).toContain('unknown tenant "atlantis"');
    expect((await addStaff('gelsenkirchen', 'admin@gelsenkirchen.de', 'caseworker')).err).toContain('email');
  });

  it('logs staff in with a strict, HttpOnly cookie and refuses wrong passwords', async () => {
    const { password } = await addStaff('gelsenkirchen', 'sb@gelsenkirchen.de', 'caseworker');
    const ok = await login('gelsenkirchen', 'sb@gelsenkirchen.de', password);
    expect(ok.response.status).toBe(200);
    expect(json(ok.response)).toEqual({ email: 'sb@gelsenkirchen.de', role: 'caseworker' });
    expect(ok.setCookie).toMatch(/HttpOnly/);
    expect(ok.setCookie).toMatch(/SameSite=Strict/);
    const wrong = await login('gelsenkirchen', 'sb@gelsenkirchen.de', 'falsch');
    expect(wrong.response.status).toBe(401);
    expect(json(wrong.response).code).toBe('identity.invalid_credentials');
    const unknown = await login('gelsenkirchen', 'niemand@gelsenkirchen.de', 'falsch');
    expect(json(unknown.response).code).toBe('identity.invalid_credentials');
    const empty = await send(portal.port, 'POST', '/api/v1/backoffice/login', 'gelsenkirchen.localhost', {});
    expect(empty.status).toBe(400);
    expect(json(empty).errors.map((e: { field: string }) => e.field)).toEqual(['email', 'password']);
    // The same account does not exist on another tenant.
    expect((await login('recklinghausen', 'sb@gelsenkirchen.de', password)).response.status).toBe(401);
    // A caseworker may not publish.
    const publish = await call('gelsenkirchen', ok.cookie, 'POST', '/api/v1/admin/processes', {
      definition: definition('1.0.0'),
    });
    expect(publish.status).toBe(403);
  });

  it('locks an account after five wrong passwords', async () => {
    const { password } = await addStaff('bottrop', 'admin@bottrop.de', 'tenant-admin');
    for (let i = 0; i < 5; i++) await login('bottrop', 'admin@bottrop.de', 'falsch');
    const locked = await login('bottrop', 'admin@bottrop.de', password);
    expect(locked.response.status).toBe(401);
    expect(json(locked.response).code).toBe('identity.locked');
  });

  it('publishes, refuses changes to a published version, and names the faults of a broken one', async () => {
    const first = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      definition: definition('1.0.0'),
    });
    expect(first.status).toBe(201);
    expect(json(first)).toMatchObject({ ref: 'gelsenkirchen/baumfaellung', version: '1.0.0', published: true });
    const again = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      source: stringify(definition('1.0.0')),
    });
    expect(json(again)).toMatchObject({ published: false });
    const changed = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      definition: definition('1.0.0', { title: { de: 'Anders' } }),
    });
    expect(changed.status).toBe(409);
    expect(json(changed).errors[0].field).toBe('version');
    const broken = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes?lang=en', {
      definition: definition('1.1.0', { leika: '42', steps: [{ id: 'z', kind: 'payment' }] }),
    });
    expect(broken.status).toBe(422);
    const fields = json(broken).errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['leika']));
    expect(json(broken).errors[0].message).toContain('LeiKa');
    const nothing = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {});
    expect(nothing.status).toBe(422);
    expect(json(nothing).errors[0].field).toBe('source');

    await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      definition: definition('1.1.0', { summary: { de: 'Genehmigung zum Fällen eines Baumes', en: 'Permit' } }),
    });
    const versions = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/gelsenkirchen/baumfaellung/versions',
    );
    expect(json(versions).map((v: { version: string }) => v.version)).toEqual(['1.0.0', '1.1.0']);
    const diff = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/gelsenkirchen/baumfaellung/diff?from=1.0.0&to=1.1.0',
    );
    expect(json(diff)).toEqual([{ area: 'metadata', id: 'summary', change: 'changed', properties: ['de', 'en'] }]);
    const badDiff = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/gelsenkirchen/baumfaellung/diff?from=eins',
    );
    expect(badDiff.status).toBe(400);
    expect(json(badDiff).errors.map((e: { field: string }) => e.field)).toEqual(['from', 'to']);
    const usage = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/gelsenkirchen/bewohnerparkausweis/usage',
    );
    expect(usage.status).toBe(200);
  });

  it('binds the session to its tenant and keeps private definitions to their owner', async () => {
    // Gelsenkirchen's session on Recklinghausen's host is no session at all.
    const foreign = await call('recklinghausen', geAdmin, 'POST', '/api/v1/admin/processes', {
      definition: definition('1.0.0'),
    });
    expect(foreign.status).toBe(401);
    const none = await call('gelsenkirchen', '', 'GET', '/api/v1/admin/processes/gelsenkirchen/baumfaellung/versions');
    expect(none.status).toBe(401);

    const secret = { ...definition('1.0.0'), key: 'intern-re', visibility: 'private' };
    expect(
      (await call('recklinghausen', reAdmin, 'POST', '/api/v1/admin/processes', { definition: secret })).status,
    ).toBe(201);
    const own = await call(
      'recklinghausen',
      reAdmin,
      'GET',
      '/api/v1/admin/processes/recklinghausen/intern-re/versions',
    );
    expect(json(own)).toHaveLength(1);
    const other = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/recklinghausen/intern-re/versions',
    );
    expect(json(other)).toEqual([]);
    const otherUsage = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/recklinghausen/intern-re/usage',
    );
    expect(otherUsage.status).toBe(404);
    const otherDiff = await call(
      'gelsenkirchen',
      geAdmin,
      'GET',
      '/api/v1/admin/processes/recklinghausen/intern-re/diff?from=1.0.0&to=1.0.0',
    );
    expect(otherDiff.status).toBe(404);
  });
});
