import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { stringify } from 'yaml';
import { TestResponse, send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv, startTestPortal } from '../support';
import { enrol, firstLogin } from '../support-staff';

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
  const addStaff = async (tenant: string, email: string, role: string, offices: string[] = ['buergerbuero']) => {
    const result = await cli(
      [
        'staff',
        'add',
        '--tenant',
        tenant,
        '--email',
        email,
        '--role',
        role,
        ...offices.flatMap((o) => ['--office', o]),
      ],
      cliEnv(portal),
    );
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
    geAdmin = await ready('gelsenkirchen', 'admin@gelsenkirchen.de', ge.password);
    reAdmin = await ready('recklinghausen', 'admin@recklinghausen.de', re.password);
  });

  /** Logs in with the one-time password, replaces it and enrols an authenticator, as every new member of staff must. */
  const ready = async (tenant: string, email: string, oneTime: string) =>
    (await firstLogin(portal, tenant, email, oneTime)).cookie;
  afterAll(async () => portal?.stop());

  it('refuses bad staff input on the command line, naming the field', async () => {
    expect((await addStaff('gelsenkirchen', 'kein-mail', 'tenant-admin')).err).toContain('email');
    expect((await addStaff('gelsenkirchen', 'x@gelsenkirchen.de', 'chef')).err).toContain('role');
    expect((await addStaff('atlantis', 'x@atlantis.de', 'caseworker')).err).toContain('unknown tenant "atlantis"');
    expect((await addStaff('gelsenkirchen', 'admin@gelsenkirchen.de', 'caseworker')).err).toContain('email');
    // A caseworker works for one or more of the tenant's offices, named by their ids in tenant.yaml.
    expect((await addStaff('gelsenkirchen', 'y@gelsenkirchen.de', 'caseworker', [])).err).toContain('office');
    expect((await addStaff('gelsenkirchen', 'y@gelsenkirchen.de', 'caseworker', ['mond'])).err).toContain('office');
    const two = await addStaff('gelsenkirchen', 'y@gelsenkirchen.de', 'caseworker', ['buergerbuero', 'standesamt']);
    expect(two.code).toBe(0);
  });

  it('logs staff in with a strict, HttpOnly cookie and refuses wrong passwords', async () => {
    const { password } = await addStaff('gelsenkirchen', 'sb@gelsenkirchen.de', 'caseworker');
    const ok = await login('gelsenkirchen', 'sb@gelsenkirchen.de', password);
    expect(ok.response.status).toBe(200);
    expect(json(ok.response)).toEqual({
      next: 'change_password',
      email: 'sb@gelsenkirchen.de',
      role: 'caseworker',
      mustChangePassword: true,
    });
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

  it('locks an account after five wrong passwords, also when they come at once, and says no more than "wrong"', async () => {
    const { password } = await addStaff('bottrop', 'admin@bottrop.de', 'tenant-admin');
    const attempts = await Promise.all(
      Array.from({ length: 12 }, () => login('bottrop', 'admin@bottrop.de', 'falsch')),
    );
    expect(attempts.map((a) => a.response.status)).toEqual(Array(12).fill(401));
    const state = () =>
      portal.app
        .get(TenantTransactions)
        .run(portal.app.get(TenantRegistry).get('bottrop')!.id, (scope) =>
          scope.query<{ failed_logins: number }>(
            `select failed_logins, locked_until, now() from public.staff_accounts where email = 'admin@bottrop.de'`,
          ),
        );
    const locked = await login('bottrop', 'admin@bottrop.de', password);
    expect(locked.response.status).toBe(401);
    // The same answer as for a wrong password or an unknown account: nobody learns which accounts exist.
    expect(json(locked.response).code).toBe('identity.invalid_credentials');
    expect((await state())[0].failed_logins).toBe(5); // the parallel guesses beyond five were never checked
  });

  it('allows nothing with the one-time password but changing it', async () => {
    const { password } = await addStaff('gladbeck', 'admin@gladbeck.de', 'tenant-admin');
    const { cookie, response } = await login('gladbeck', 'admin@gladbeck.de', password);
    expect(json(response)).toMatchObject({ next: 'change_password', mustChangePassword: true });
    const before = await call('gladbeck', cookie, 'GET', '/api/v1/admin/processes/gladbeck/x/versions');
    expect(before.status).toBe(403);
    expect(json(before).code).toBe('identity.password_change_required');
    const short = await call('gladbeck', cookie, 'POST', '/api/v1/backoffice/password', {
      password,
      newPassword: 'kurz',
    });
    expect(short.status).toBe(400);
    expect(json(short).errors[0].field).toBe('newPassword');
    const wrong = await call('gladbeck', cookie, 'POST', '/api/v1/backoffice/password', {
      password: 'falsch',
      newPassword: 'ein langes neues Passwort',
    });
    expect(wrong.status).toBe(401);
    const ok = await call('gladbeck', cookie, 'POST', '/api/v1/backoffice/password', {
      password,
      newPassword: 'ein langes neues Passwort',
    });
    expect(ok.status).toBe(204);
    // The new password alone still opens nothing: an authenticator app comes next.
    const unenrolled = await call('gladbeck', cookie, 'GET', '/api/v1/admin/processes/gladbeck/x/versions');
    expect(unenrolled.status).toBe(403);
    expect(json(unenrolled).code).toBe('identity.totp_enrolment_required');
    const enrolled = await enrol(portal, 'gladbeck', 'admin@gladbeck.de', cookie);
    expect((await call('gladbeck', enrolled.cookie, 'GET', '/api/v1/admin/processes/gladbeck/x/versions')).status).toBe(
      200,
    );
    expect((await login('gladbeck', 'admin@gladbeck.de', password)).response.status).toBe(401);
    const again = await login('gladbeck', 'admin@gladbeck.de', 'ein langes neues Passwort');
    expect(again.response.status).toBe(200);
    expect(json(again.response)).toMatchObject({ next: 'totp', mustChangePassword: false });
  });

  it('answers odd input with a 4xx that names the field, never a 500', async () => {
    const email = await send(portal.port, 'POST', '/api/v1/backoffice/login', 'gelsenkirchen.localhost', {
      email: 'a\u0000@b.de',
      password: 'x',
    });
    expect(email.status).toBe(400);
    expect(json(email).errors[0].field).toBe('email');
    const badCookie = await call(
      'gelsenkirchen',
      'or_staff=%E0%A4%A',
      'GET',
      '/api/v1/admin/processes/gelsenkirchen/x/versions',
    );
    expect(badCookie.status).toBe(401);
    const owner = await call('gelsenkirchen', geAdmin, 'GET', '/api/v1/admin/processes/a%00b/x/versions');
    expect(owner.status).toBe(404);
    expect(json(owner).errors[0].field).toBe('owner');
    const deep = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      // Deeper than a definition may be (40), within what the portal parses at all (64).
      definition: JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50)),
    });
    expect(deep.status).toBe(422);
    expect(json(deep).errors[0].field).toBe('definition');
    const bomb = await call('gelsenkirchen', geAdmin, 'POST', '/api/v1/admin/processes', {
      source: [
        'a: &a [x,x,x,x,x,x,x,x,x]',
        ...'bcdefgh'.split('').map(
          (c, i) =>
            `${c}: &${c} [${Array(9)
              .fill('*' + 'abcdefgh'[i])
              .join(',')}]`,
        ),
      ].join('\n'),
    });
    expect(bomb.status).toBe(422);
    const nul = await send(portal.port, 'GET', '/api/v1/services?q=%00', 'gelsenkirchen.localhost');
    expect(nul.status).toBe(200);
    const twice = await send(portal.port, 'GET', '/api/v1/services?q=a&q=b', 'gelsenkirchen.localhost');
    expect(twice.status).toBe(400);
    expect(json(twice).errors[0].field).toBe('q');
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
    expect(json(diff)).toEqual([
      { area: 'metadata', id: 'summary', change: 'changed', properties: ['de', 'en'], locales: ['de', 'en'] },
    ]);
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
