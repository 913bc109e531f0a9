import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv, startTestPortal } from '../support';
import { STAFF_PASSWORD, StaffLogin, firstLogin, staffCookieOf, staffSession, totpCode } from '../support-staff';

const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const STEP = 30_000;
/** A code of the next time step: still within the window, and later than the one the enrolment used. */
const nextCode = (secret: string) => totpCode(secret, new Date(Date.now() + STEP));
/** Six digits that are no code of `secret` anywhere near now. */
const wrongCode = (secret: string) => {
  const near = [-STEP, 0, STEP, 2 * STEP].map((d) => totpCode(secret, new Date(Date.now() + d)));
  return ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.includes(c))!;
};

describe('staff login with TOTP, sessions and the tenant admin’s staff management', () => {
  let portal: TestPortal;
  const host = (tenant: string) => `${tenant}.localhost`;
  const call = (tenant: string, cookie: string, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, host(tenant), body, cookie ? { cookie } : {});
  const login = (tenant: string, body: Record<string, unknown>) =>
    send(portal.port, 'POST', '/api/v1/backoffice/login', host(tenant), body);

  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(async () => portal?.stop());

  it('takes a new account through password change and enrolment to a complete login', async () => {
    const added = await cli(
      ['staff', 'add', '--tenant', 'herten', '--email', 'admin@herten.de', '--role', 'tenant-admin'],
      cliEnv(portal),
    );
    const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
    const first = await login('herten', { email: 'admin@herten.de', password: oneTime });
    expect(json(first)).toMatchObject({ next: 'change_password', mustChangePassword: true });
    const cookie = staffCookieOf(first.headers);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(first.headers['set-cookie'])).toMatch(/SameSite=Strict/);
    // Enrolment waits for the new password.
    const early = await call('herten', cookie, 'POST', '/api/v1/backoffice/totp', {});
    expect(early.status).toBe(403);
    expect(json(early).code).toBe('identity.password_change_required');
    const changed = await call('herten', cookie, 'POST', '/api/v1/backoffice/password', {
      password: oneTime,
      newPassword: STAFF_PASSWORD,
    });
    expect(changed.status).toBe(204);
    const session = await call('herten', cookie, 'GET', '/api/v1/backoffice/session');
    expect(json(session)).toMatchObject({ next: 'enrol_totp', role: 'tenant-admin', offices: [] });
    const list = await call('herten', cookie, 'GET', '/api/v1/backoffice/staff');
    expect(list.status).toBe(403);
    expect(json(list).code).toBe('identity.totp_enrolment_required');

    const started = await call('herten', cookie, 'POST', '/api/v1/backoffice/totp', {});
    expect(started.status).toBe(200);
    const { otpauthUri, secret, qrCode } = json(started);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.pathname).toContain('admin%40herten.de');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(Buffer.from(String(qrCode).replace('data:image/svg+xml;base64,', ''), 'base64').toString()).toContain(
      '<svg',
    );
    // Until it is confirmed the same secret comes back (a page reloaded does not void the scanned one).
    expect(json(await call('herten', cookie, 'POST', '/api/v1/backoffice/totp', {})).secret).toBe(secret);
    const wrong = await call('herten', cookie, 'POST', '/api/v1/backoffice/totp/confirm', { code: wrongCode(secret) });
    expect(wrong.status).toBe(401);
    expect(json(wrong).code).toBe('identity.totp_invalid');
    const confirmed = await call('herten', cookie, 'POST', '/api/v1/backoffice/totp/confirm', {
      code: totpCode(secret),
    });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = json(confirmed);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const full = staffCookieOf(confirmed.headers);
    expect(full).not.toBe(cookie);
    expect((await call('herten', full, 'GET', '/api/v1/backoffice/staff')).status).toBe(200);
    // The id the session had before its last step is void.
    expect((await call('herten', cookie, 'GET', '/api/v1/backoffice/staff')).status).toBe(401);
    // The secret is never handed out again, and the database keeps it only sealed.
    expect((await call('herten', full, 'POST', '/api/v1/backoffice/totp', {})).status).toBe(409);
    const rows = await portal.app
      .get(TenantTransactions)
      .run(portal.app.get(TenantRegistry).get('herten')!.id, (scope) =>
        scope.query<{ totp_secret: string; recovery_codes: string[] }>(
          `select totp_secret, recovery_codes from public.staff_accounts where email = 'admin@herten.de'`,
        ),
      );
    expect(rows[0].totp_secret).not.toContain(secret);
    expect(rows[0].recovery_codes).toHaveLength(10);
    expect(rows[0].recovery_codes).not.toContain(recoveryCodes[0]);
  });

  it('wants the code at every later login: in the login itself, or in a second request', async () => {
    const admin = await staffSession(portal, 'marl', 'admin@marl.de', 'tenant-admin');
    // Password only: a half session that opens nothing.
    const half = await login('marl', { email: admin.email, password: admin.password });
    expect(half.status).toBe(200);
    expect(json(half)).toEqual({ next: 'totp', email: admin.email, role: 'tenant-admin', mustChangePassword: false });
    const halfCookie = staffCookieOf(half.headers);
    const blocked = await call('marl', halfCookie, 'GET', '/api/v1/backoffice/staff');
    expect(blocked.status).toBe(403);
    expect(json(blocked).code).toBe('identity.totp_required');
    // Nor may a password alone replace the password.
    const change = await call('marl', halfCookie, 'POST', '/api/v1/backoffice/password', {
      password: admin.password,
      newPassword: 'ein ganz anderes Passwort',
    });
    expect(change.status).toBe(403);
    const code = nextCode(admin.secret);
    const verified = await call('marl', halfCookie, 'POST', '/api/v1/backoffice/totp/verify', { code });
    expect(verified.status).toBe(200);
    expect(json(verified)).toMatchObject({ next: null });
    const full = staffCookieOf(verified.headers);
    expect((await call('marl', full, 'GET', '/api/v1/backoffice/staff')).status).toBe(200);
    expect((await call('marl', halfCookie, 'GET', '/api/v1/backoffice/staff')).status).toBe(401);

    // The same code again (same time step): refused, in either way of sending it.
    const again = await login('marl', { email: admin.email, password: admin.password, code });
    expect(again.status).toBe(401);
    expect(json(again).code).toBe('identity.totp_reused');
    expect(staffCookieOf(again.headers)).toBe('');
  });

  it('refuses wrong and expired codes, takes a recovery code once, and locks after five failures', async () => {
    const person = await staffSession(portal, 'datteln', 'sb@datteln.de', 'caseworker', ['buergerbuero']);
    const creds = { email: person.email, password: person.password };
    const wrong = await login('datteln', { ...creds, code: wrongCode(person.secret) });
    expect(wrong.status).toBe(401);
    expect(json(wrong).code).toBe('identity.totp_invalid');
    const expired = await login('datteln', {
      ...creds,
      code: totpCode(person.secret, new Date(Date.now() - 3 * STEP)),
    });
    expect(expired.status).toBe(401);
    expect(json(expired).code).toBe('identity.totp_invalid');
    const odd = await login('datteln', { ...creds, code: ['123456'] });
    expect(odd.status).toBe(400);
    expect(json(odd).errors[0].field).toBe('code');

    const recovery = person.recoveryCodes[0];
    const withRecovery = await login('datteln', { ...creds, code: recovery.toLowerCase() });
    expect(withRecovery.status).toBe(200);
    expect(json(withRecovery).next).toBeNull();
    const cookie = staffCookieOf(withRecovery.headers);
    const me = await call('datteln', cookie, 'GET', '/api/v1/backoffice/session');
    expect(json(me)).toMatchObject({ next: null, role: 'caseworker', offices: ['buergerbuero'] });
    const twice = await login('datteln', { ...creds, code: recovery });
    expect(twice.status).toBe(401);
    expect(json(twice).code).toBe('identity.totp_invalid');

    // Failed codes count like failed passwords: the recovery code spent above and four wrong codes lock
    // the account (the login with the recovery code had cleared the earlier failures).
    const half = staffCookieOf((await login('datteln', creds)).headers);
    for (let i = 0; i < 4; i++) {
      const failed = await call('datteln', half, 'POST', '/api/v1/backoffice/totp/verify', {
        code: wrongCode(person.secret),
      });
      expect(failed.status).toBe(401);
    }
    const locked = await call('datteln', half, 'POST', '/api/v1/backoffice/totp/verify', {
      code: nextCode(person.secret),
    });
    expect(locked.status).toBe(401);
    expect(json(locked).code).toBe('identity.totp_invalid');
    expect((await login('datteln', creds)).status).toBe(401);
  });

  it('lets only the tenant admin manage staff, and records every change', async () => {
    const admin = await staffSession(portal, 'gelsenkirchen', 'admin@gelsenkirchen.de', 'tenant-admin');
    const caseworker = await staffSession(portal, 'gelsenkirchen', 'kw@gelsenkirchen.de', 'caseworker', [
      'buergerbuero',
    ]);
    expect((await call('gelsenkirchen', caseworker.cookie, 'GET', '/api/v1/backoffice/staff')).status).toBe(403);
    expect(
      (
        await call('gelsenkirchen', caseworker.cookie, 'POST', '/api/v1/backoffice/staff', {
          email: 'x@gelsenkirchen.de',
          offices: ['buergerbuero'],
        })
      ).status,
    ).toBe(403);

    const bad = await call('gelsenkirchen', admin.cookie, 'POST', '/api/v1/backoffice/staff', {
      email: 'neu@gelsenkirchen.de',
      name: 'Nina Neu',
      offices: ['mond'],
    });
    expect(bad.status).toBe(400);
    expect(json(bad).errors.map((e: { field: string }) => e.field)).toEqual(['offices']);
    const added = await call('gelsenkirchen', admin.cookie, 'POST', '/api/v1/backoffice/staff', {
      email: 'Neu@Gelsenkirchen.de',
      name: 'Nina Neu',
      offices: ['buergerbuero', 'standesamt'],
    });
    expect(added.status).toBe(201);
    const { id, password } = json(added);
    expect(json(added).email).toBe('neu@gelsenkirchen.de');
    const members = json(await call('gelsenkirchen', admin.cookie, 'GET', '/api/v1/backoffice/staff'));
    expect(members).toEqual(
      expect.arrayContaining([
        {
          id,
          email: 'neu@gelsenkirchen.de',
          name: 'Nina Neu',
          role: 'caseworker',
          offices: ['buergerbuero', 'standesamt'],
          disabled: false,
        },
      ]),
    );
    let nina: StaffLogin = await firstLogin(portal, 'gelsenkirchen', 'neu@gelsenkirchen.de', password);

    const moved = await call('gelsenkirchen', admin.cookie, 'PUT', `/api/v1/backoffice/staff/${id}/offices`, {
      offices: ['standesamt'],
    });
    expect(json(moved).offices).toEqual(['standesamt']);
    expect(json(await call('gelsenkirchen', nina.cookie, 'GET', '/api/v1/backoffice/session')).offices).toEqual([
      'standesamt',
    ]);
    const none = await call('gelsenkirchen', admin.cookie, 'PUT', `/api/v1/backoffice/staff/${id}/offices`, {
      offices: [],
    });
    expect(none.status).toBe(400);
    expect(json(none).errors[0].field).toBe('offices');

    // Disabled: the session ends, the password no longer logs in.
    const disabled = await call('gelsenkirchen', admin.cookie, 'POST', `/api/v1/backoffice/staff/${id}/disable`, {});
    expect(json(disabled)).toMatchObject({ id, disabled: true });
    expect((await call('gelsenkirchen', nina.cookie, 'GET', '/api/v1/backoffice/session')).status).toBe(401);
    const refused = await login('gelsenkirchen', { email: nina.email, password: nina.password });
    expect(refused.status).toBe(401);
    expect(json(refused).code).toBe('identity.invalid_credentials');
    await call('gelsenkirchen', admin.cookie, 'POST', `/api/v1/backoffice/staff/${id}/enable`, {});
    const back = await login('gelsenkirchen', { email: nina.email, password: nina.password });
    expect(json(back).next).toBe('totp');
    nina = { ...nina, cookie: staffCookieOf(back.headers) };

    // A lost authenticator: reset, the session ends, the next login enrols anew.
    const reset = await call('gelsenkirchen', admin.cookie, 'POST', `/api/v1/backoffice/staff/${id}/reset-totp`, {});
    expect(reset.status).toBe(200);
    expect((await call('gelsenkirchen', nina.cookie, 'GET', '/api/v1/backoffice/session')).status).toBe(401);
    const anew = await login('gelsenkirchen', { email: nina.email, password: nina.password });
    expect(json(anew).next).toBe('enrol_totp');

    const adminId = members.find((m: { email: string }) => m.email === admin.email).id;
    const own = await call('gelsenkirchen', admin.cookie, 'POST', `/api/v1/backoffice/staff/${adminId}/disable`, {});
    expect(own.status).toBe(409);
    expect(json(own).code).toBe('identity.own_account');
    const unknown = await call(
      'gelsenkirchen',
      admin.cookie,
      'POST',
      '/api/v1/backoffice/staff/00000000-0000-4000-8000-000000000000/disable',
      {},
    );
    expect(unknown.status).toBe(404);
    expect(
      (await call('gelsenkirchen', admin.cookie, 'POST', '/api/v1/backoffice/staff/kein/disable', {})).status,
    ).toBe(404);

    const audit = await portal.app
      .get(TenantTransactions)
      .run(portal.app.get(TenantRegistry).get('gelsenkirchen')!.id, (scope) =>
        scope.query<{ action: string; actor: string; subject: string }>(
          `select action, actor, subject from public.audit_log where subject = $1 and actor = $2 order by created_at`,
          [id, adminId],
        ),
      );
    expect(audit.map((a) => a.action)).toEqual([
      'staff.added',
      'staff.offices_changed',
      'staff.disabled',
      'staff.enabled',
      'staff.totp_reset',
    ]);
  });

  it("refuses one tenant's staff cookie on another tenant's host", async () => {
    const re = await staffSession(portal, 'recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
    expect((await call('recklinghausen', re.cookie, 'GET', '/api/v1/backoffice/staff')).status).toBe(200);
    const foreign = await call('gelsenkirchen', re.cookie, 'GET', '/api/v1/backoffice/staff');
    expect(foreign.status).toBe(401);
    expect((await call('gelsenkirchen', re.cookie, 'GET', '/api/v1/backoffice/session')).status).toBe(401);
  });
});

describe('the idle time of staff sessions', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ identity: { staffIdleSeconds: 3 } });
  });
  afterAll(async () => portal?.stop());

  it('ends a session that was not used for longer than the idle time', async () => {
    // The helper's steps (login, password, enrolment) each come well within the idle time.
    const admin = await staffSession(portal, 'bottrop', 'admin@bottrop.de', 'tenant-admin');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const idle = await send(portal.port, 'GET', '/api/v1/backoffice/staff', 'bottrop.localhost', undefined, {
      cookie: admin.cookie,
    });
    expect(idle.status).toBe(401);
    expect(JSON.parse(idle.body).code).toBe('identity.not_logged_in');
  });
});
