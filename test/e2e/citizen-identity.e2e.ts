import { argon2id, hash, verify } from 'argon2';
import { Client } from 'pg';
import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, send, postForm } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { lastAccountMail } from '../support-citizen';

const PASSWORD = 'ein sicheres Passwort';

/** A form post as a browser sends it: url-encoded, with the cookies given. */
const post = (
  port: number,
  path: string,
  host: string,
  fields: Record<string, string>,
  cookie = '',
  headers: Record<string, string> = {},
) => postForm(port, path, host, fields, { ...(cookie ? { cookie } : {}), ...headers });

const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const setCookies = (r: TestResponse): string[] => {
  const value = r.headers['set-cookie'];
  return Array.isArray(value) ? value : value ? [value] : [];
};
/** `name=value` of a cookie the response sets (undefined when it sets none of that name). */
const cookieOf = (r: TestResponse, name: string) =>
  setCookies(r)
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const fieldsOf = (r: TestResponse): string[] => ((json(r).errors ?? []) as { field: string }[]).map((e) => e.field);

describe('citizen identity: accounts, sessions, realms, CSRF', () => {
  let portal: TestPortal;
  const api = (method: string, path: string, host: string, body?: unknown, cookie = '') =>
    send(portal.port, method, path, `${host}.localhost`, body, cookie ? { cookie } : {});
  const tokenOf = async (email: string, template: 'account-verify' | 'password-reset') => {
    const mail = await lastAccountMail(portal, email, template);
    return mail ? (new URL(mail.link).searchParams.get('token') ?? '') : '';
  };
  /** A confirmed account in the realm of `host`. */
  const account = async (host: string, email: string, name = 'Erika Mustermann') => {
    expect((await api('POST', '/api/v1/auth/register', host, { email, password: PASSWORD, name })).status).toBe(201);
    const verified = await api('POST', '/api/v1/auth/verify', host, { token: await tokenOf(email, 'account-verify') });
    expect(verified.status).toBe(200);
  };
  const login = async (host: string, email: string, password = PASSWORD) => {
    const response = await api('POST', '/api/v1/auth/login', host, { email, password });
    return { response, cookie: cookieOf(response, 'or_citizen') ?? '' };
  };
  const me = (host: string, cookie: string) => api('GET', '/api/v1/auth/me', host, undefined, cookie);

  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(async () => portal?.stop());

  it('registers, mails a link, confirms, logs in, knows the citizen, logs out (JSON)', async () => {
    const registered = await api('POST', '/api/v1/auth/register', 'recklinghausen', {
      email: ' Anna.Schmidt@Example.org ',
      password: PASSWORD,
      name: 'Anna Schmidt',
    });
    expect(registered.status).toBe(201);
    expect(json(registered)).toEqual({ status: 'mail_sent' });
    const mail = (await lastAccountMail(portal, 'anna.schmidt@example.org'))!;
    expect(mail).toMatchObject({ template: 'account-verify', locale: 'de' });
    expect(mail.text).toContain('Stadt Recklinghausen');
    expect(mail.link).toMatch(
      new RegExp(`^http://recklinghausen\\.localhost:${portal.port}/konto/bestaetigen\\?token=[\\w-]{43}$`),
    );

    // Not before the address is confirmed, and then with an error of its own.
    const early = await login('recklinghausen', 'anna.schmidt@example.org');
    expect(early.response.status).toBe(403);
    expect(json(early.response).code).toBe('identity.email_not_verified');
    expect(early.cookie).toBe('');

    const token = await tokenOf('anna.schmidt@example.org', 'account-verify');
    expect((await api('POST', '/api/v1/auth/verify', 'recklinghausen', { token })).status).toBe(200);
    // A token works once.
    const again = await api('POST', '/api/v1/auth/verify', 'recklinghausen', { token });
    expect(again.status).toBe(400);
    expect(json(again)).toMatchObject({ code: 'identity.invalid_token', errors: [{ field: 'token' }] });

    const { response, cookie } = await login('recklinghausen', 'ANNA.schmidt@example.org');
    expect(response.status).toBe(200);
    expect(json(response)).toMatchObject({
      email: 'anna.schmidt@example.org',
      name: 'Anna Schmidt',
      trustLevel: 'basic',
    });
    const attributes = setCookies(response).find((c) => c.startsWith('or_citizen='))!;
    expect(attributes).toMatch(/; HttpOnly/);
    expect(attributes).toMatch(/; SameSite=Lax/);
    expect(attributes).toMatch(/; Secure/); // outside development
    expect(attributes).toMatch(/; Max-Age=28\d{3}/);

    const who = await me('recklinghausen', cookie);
    expect(who.status).toBe(200);
    expect(who.headers['cache-control']).toBe('no-store');
    expect(json(who)).toMatchObject({
      email: 'anna.schmidt@example.org',
      name: 'Anna Schmidt',
      trustLevel: 'basic',
      realm: 'emscher-lippe',
    });

    expect((await api('POST', '/api/v1/auth/logout', 'recklinghausen', undefined, cookie)).status).toBe(204);
    const after = await me('recklinghausen', cookie);
    expect(after.status).toBe(401);
    expect(json(after).code).toBe('identity.not_logged_in');
  });

  it('gives the same answer for a wrong password, an unknown address and a second registration', async () => {
    await account('herten', 'bert@example.org');
    const wrong = await login('herten', 'bert@example.org', 'ein falsches Passwort');
    const unknown = await login('herten', 'niemand@example.org');
    expect([wrong.response.status, unknown.response.status]).toEqual([401, 401]);
    expect(json(wrong.response)).toEqual(json(unknown.response));
    expect(json(wrong.response).code).toBe('identity.invalid_credentials');

    // Registering a known address answers as for a new one; the owner gets a mail saying so.
    const twice = await api('POST', '/api/v1/auth/register', 'marl', {
      email: 'bert@example.org',
      password: 'ein ganz anderes Passwort',
      name: 'Mallory',
    });
    expect(twice.status).toBe(201);
    expect(json(twice)).toEqual({ status: 'mail_sent' });
    const exists = await lastAccountMail(portal, 'bert@example.org');
    expect(exists).toMatchObject({ template: 'account-exists' });
    expect(exists!.link).toContain('marl.localhost');
    expect((await login('marl', 'bert@example.org', 'ein ganz anderes Passwort')).response.status).toBe(401);
    expect((await login('marl', 'bert@example.org')).response.status).toBe(200);
  });

  it('keeps accounts per realm: a region shares one, a town of its own keeps its own (API and SQL)', async () => {
    await account('recklinghausen', 'clara@example.org');
    const { cookie } = await login('recklinghausen', 'clara@example.org');
    // The session of recklinghausen is valid on gelsenkirchen and the region's portal, not on duisburg.
    expect((await me('gelsenkirchen', cookie)).status).toBe(200);
    expect((await me('emscher-lippe', cookie)).status).toBe(200);
    expect((await me('duisburg', cookie)).status).toBe(401);
    // The account itself: logging in works on every member, on duisburg it does not exist.
    expect((await login('gelsenkirchen', 'clara@example.org')).response.status).toBe(200);
    expect((await login('duisburg', 'clara@example.org')).response.status).toBe(401);
    // Duisburg may have an account of the same address of its own.
    await account('duisburg', 'clara@example.org', 'Clara aus Duisburg');
    const duisburg = await login('duisburg', 'clara@example.org');
    expect(json(await me('duisburg', duisburg.cookie))).toMatchObject({
      name: 'Clara aus Duisburg',
      realm: 'duisburg',
    });
    expect((await me('recklinghausen', duisburg.cookie)).status).toBe(401);

    const registry = portal.app.get(TenantRegistry);
    const region = registry.get('emscher-lippe')!.id;
    const rows = (tenantId: string) =>
      portal.app
        .get(TenantTransactions)
        .run(tenantId, (scope) =>
          scope.query<{ tenant_id: string }>(
            `select tenant_id from public.citizen_accounts where email = 'clara@example.org'`,
          ),
        );
    expect((await rows(region)).map((r) => r.tenant_id)).toEqual([region]);
    // Row-level security: the members and duisburg see only their realm's rows.
    expect(await rows(registry.get('recklinghausen')!.id)).toEqual([]);
    expect((await rows(registry.get('duisburg')!.id)).map((r) => r.tenant_id)).toEqual([registry.get('duisburg')!.id]);
    // The application role without a tenant sees nothing at all.
    const client = new Client({ connectionString: portal.db.appUrl });
    await client.connect();
    try {
      for (const table of ['citizen_accounts', 'citizen_tokens', 'citizen_throttle']) {
        expect((await client.query(`select count(*)::int as n from public.${table}`)).rows[0].n).toBe(0);
      }
    } finally {
      await client.end();
    }
  });

  it("renews a hash made with other parameters at the next login, with OWASP's (19 MiB, two passes, one lane)", async () => {
    await account('duisburg', 'hash@example.org');
    const tenantId = portal.app.get(TenantRegistry).get('duisburg')!.id;
    const stored = () =>
      portal.app
        .get(TenantTransactions)
        .run(tenantId, (scope) =>
          scope.query<{ password_hash: string }>(
            `select password_hash from public.citizen_accounts where email = 'hash@example.org'`,
          ),
        )
        .then((rows) => rows[0].password_hash);
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // As an earlier version stored it: argon2's defaults (64 MiB, three passes, four lanes).
    const old = await hash(PASSWORD, { type: argon2id });
    await portal.app
      .get(TenantTransactions)
      .run(tenantId, (scope) =>
        scope.query(`update public.citizen_accounts set password_hash = $1 where email = 'hash@example.org'`, [old]),
      );
    // A wrong password changes nothing; the right one logs in and stores a new hash of it.
    expect((await login('duisburg', 'hash@example.org', 'ein falsches Passwort')).response.status).toBe(401);
    expect(await stored()).toBe(old);
    expect((await login('duisburg', 'hash@example.org')).response.status).toBe(200);
    const renewed = await stored();
    expect(renewed).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verify(renewed, PASSWORD)).toBe(true);
    expect((await login('duisburg', 'hash@example.org')).response.status).toBe(200);
    expect(await stored()).toBe(renewed);
  });

  it('locks an account after five wrong passwords, also when they come at once', async () => {
    await account('dueren', 'dora@example.org');
    const attempts = await Promise.all(
      Array.from({ length: 12 }, () => login('dueren', 'dora@example.org', 'ein falsches Passwort')),
    );
    expect(attempts.map((a) => a.response.status)).toEqual(Array(12).fill(401));
    const locked = await login('dueren', 'dora@example.org');
    expect(locked.response.status).toBe(401);
    expect(json(locked.response).code).toBe('identity.invalid_credentials');
    const state = await portal.app
      .get(TenantTransactions)
      .run(portal.app.get(TenantRegistry).get('dueren')!.id, (scope) =>
        scope.query<{ failed_logins: number }>(
          `select failed_logins from public.citizen_accounts where email = 'dora@example.org'`,
        ),
      );
    expect(state[0].failed_logins).toBe(5);
  });

  it('throttles a client after 20 failures in a realm, for every account of that realm only', async () => {
    await account('dortmund', 'emil@example.org');
    for (let i = 0; i < 20; i++) {
      expect((await login('dortmund', `unbekannt${i}@example.org`)).response.status).toBe(401);
    }
    const blocked = await login('dortmund', 'emil@example.org');
    expect(blocked.response.status).toBe(401);
    expect(json(blocked.response).code).toBe('identity.invalid_credentials');
    // Another realm is another count.
    await account('bottrop', 'emil@example.org');
    expect((await login('bottrop', 'emil@example.org')).response.status).toBe(200);
  });

  it('resets the password by mail: the token works once, other sessions end, this one stays', async () => {
    await account('gladbeck', 'frida@example.org');
    const other = await login('gladbeck', 'frida@example.org');
    const mine = await login('gladbeck', 'frida@example.org');
    const unknown = await api('POST', '/api/v1/auth/password-reset', 'gladbeck', { email: 'nobody@example.org' });
    const known = await api('POST', '/api/v1/auth/password-reset', 'gladbeck', { email: 'frida@example.org' });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(json(unknown)).toEqual(json(known));
    expect(await lastAccountMail(portal, 'nobody@example.org')).toBeUndefined();
    const mail = (await lastAccountMail(portal, 'frida@example.org', 'password-reset'))!;
    expect(mail.link).toMatch(/\/konto\/passwort-neu\?token=/);
    const token = await tokenOf('frida@example.org', 'password-reset');

    const short = await api('POST', '/api/v1/auth/password-reset/confirm', 'gladbeck', { token, password: 'kurz' });
    expect(short.status).toBe(400);
    expect(fieldsOf(short)).toEqual(['password']);
    const done = await api(
      'POST',
      '/api/v1/auth/password-reset/confirm',
      'gladbeck',
      { token, password: 'ein neues langes Passwort' },
      mine.cookie,
    );
    expect(done.status).toBe(204);
    expect(
      (await api('POST', '/api/v1/auth/password-reset/confirm', 'gladbeck', { token, password: 'noch ein Passwort!' }))
        .status,
    ).toBe(400);
    expect((await me('gladbeck', other.cookie)).status).toBe(401);
    expect((await me('gladbeck', mine.cookie)).status).toBe(200);
    expect((await login('gladbeck', 'frida@example.org')).response.status).toBe(401);
    expect((await login('gladbeck', 'frida@example.org', 'ein neues langes Passwort')).response.status).toBe(200);
  });

  it('logs out everywhere: a second session ends too, a new login works', async () => {
    await account('waltrop', 'gustav@example.org');
    const first = await login('waltrop', 'gustav@example.org');
    const second = await login('datteln', 'gustav@example.org');
    expect((await me('waltrop', second.cookie)).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/logout-everywhere', 'waltrop', undefined, first.cookie)).status).toBe(204);
    expect((await me('waltrop', first.cookie)).status).toBe(401);
    expect((await me('datteln', second.cookie)).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/logout-everywhere', 'waltrop', undefined, first.cookie)).status).toBe(401);
    const third = await login('waltrop', 'gustav@example.org');
    expect((await me('waltrop', third.cookie)).status).toBe(200);
  });

  it('refuses JSON calls that a page of another site could make', async () => {
    // A plain form post (what another site can send) is not JSON.
    const form = await post(portal.port, '/api/v1/auth/login', 'herten.localhost', {
      email: 'bert@example.org',
      password: PASSWORD,
    });
    expect(form.status).toBe(415);
    const foreign = await api('POST', '/api/v1/auth/login', 'herten', {
      email: 'bert@example.org',
      password: PASSWORD,
    });
    expect(foreign.status).toBe(200);
    const crossSite = await send(portal.port, 'POST', '/api/v1/auth/logout', 'herten.localhost', undefined, {
      origin: 'https://evil.example',
      cookie: cookieOf(foreign, 'or_citizen')!,
    });
    expect(crossSite.status).toBe(403);
    expect(json(crossSite).code).toBe('identity.csrf_invalid');
    expect((await me('herten', cookieOf(foreign, 'or_citizen')!)).status).toBe(200);
  });

  it('answers bad input with 4xx naming the field, never 500', async () => {
    const huge = 'x'.repeat(100_000);
    const cases: [string, unknown, string[]][] = [
      ['/api/v1/auth/register', {}, ['email', 'password', 'name']],
      ['/api/v1/auth/register', [], ['email', 'password', 'name']],
      [
        '/api/v1/auth/register',
        { email: 'a\u0000b@example.org', password: PASSWORD, name: 'A\u0000' },
        ['email', 'name'],
      ],
      [
        '/api/v1/auth/register',
        { email: `${huge}@example.org`, password: huge, name: huge },
        ['email', 'password', 'name'],
      ],
      [
        '/api/v1/auth/register',
        { email: ['a@example.org'], password: 42, name: { x: 1 } },
        ['email', 'password', 'name'],
      ],
      ['/api/v1/auth/register', { email: 'kein-mail', password: 'kurz', name: '  ' }, ['email', 'password', 'name']],
      ['/api/v1/auth/verify', {}, ['token']],
      ['/api/v1/auth/verify', { token: 'a\u0000' }, ['token']],
      ['/api/v1/auth/verify', { token: 7 }, ['token']],
      ['/api/v1/auth/login', { email: null, password: null }, ['email', 'password']],
      ['/api/v1/auth/login', { email: 'a@example.org', password: huge }, ['password']],
      ['/api/v1/auth/password-reset', { email: 'x\u0000@example.org' }, ['email']],
      ['/api/v1/auth/password-reset/confirm', { token: huge, password: '' }, ['token', 'password']],
    ];
    for (const [path, body, fields] of cases) {
      const response = await api('POST', path, 'gelsenkirchen', body);
      expect([path, response.status]).toEqual([path, 400]);
      expect(json(response).code).toBe('identity.invalid_input');
      expect(fieldsOf(response)).toEqual(fields);
    }
    const english = await send(
      portal.port,
      'POST',
      '/api/v1/auth/register',
      'gelsenkirchen.localhost',
      { email: 'x' },
      { 'accept-language': 'en' },
    );
    expect(json(english).errors.find((e: { field: string }) => e.field === 'password').message).toBe(
      'password: is required.',
    );
    const german = await api('POST', '/api/v1/auth/register', 'gelsenkirchen', { email: 'x', password: 'kurz' });
    expect(json(german).errors.find((e: { field: string }) => e.field === 'password').message).toBe(
      'password: mindestens 12 Zeichen.',
    );
    // No body, an empty JSON body, a body too large: 4xx from the HTTP layer.
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/verify',
      '/api/v1/auth/password-reset',
    ]) {
      const empty = await send(portal.port, 'POST', path, 'gelsenkirchen.localhost', undefined, {
        'content-type': 'application/json',
      });
      expect([path, empty.status]).toEqual([path, 400]);
      const none = await send(portal.port, 'POST', path, 'gelsenkirchen.localhost');
      expect([path, none.status]).toEqual([path, 400]);
      const broken = await send(portal.port, 'POST', path, 'gelsenkirchen.localhost', undefined, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      expect([path, broken.status]).toEqual([path, 400]);
    }
    const tooLarge = await api('POST', '/api/v1/auth/register', 'gelsenkirchen', { email: 'x'.repeat(2_000_000) });
    expect(tooLarge.status).toBe(413);
    // Not on the portal list's host: there is no realm there.
    expect(
      (await send(portal.port, 'POST', '/api/v1/auth/login', 'localhost', { email: 'a@b.de', password: 'x' })).status,
    ).toBe(404);
  });

  describe('HTML pages', () => {
    const host = 'bottrop.localhost';
    const page = (path: string, cookie = '', headers: Record<string, string> = {}) =>
      get(portal.port, path, host, { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers });

    it('registers, confirms, logs in to `next`, shows the account, logs out, with forms and _csrf', async () => {
      const form = await page('/konto/registrieren');
      expect(form.status).toBe(200);
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.body).toContain('<label class="kern-label" for="f-email">E-Mail-Adresse</label>');
      const pre = cookieOf(form, 'or_csrf')!;
      const csrfCookie = setCookies(form).find((c) => c.startsWith('or_csrf='));
      expect(csrfCookie).toMatch(/; HttpOnly/);
      expect(csrfCookie).toMatch(/; SameSite=Strict/);
      const csrf = csrfIn(form.body);
      expect(csrf).toBeTruthy();

      const done = await post(
        portal.port,
        '/konto/registrieren',
        host,
        { _csrf: csrf, name: 'Hanna Weber', email: 'hanna@example.org', password: PASSWORD },
        pre,
      );
      expect(done.status).toBe(200);
      expect(done.body).toContain('hanna@example.org');
      const link = new URL((await lastAccountMail(portal, 'hanna@example.org', 'account-verify'))!.link);
      const confirmed = await page(link.pathname + link.search);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toContain('E-Mail-Adresse bestätigt');
      expect((await page(link.pathname + link.search)).status).toBe(400);

      const loginForm = await page('/konto/anmelden?next=%2Fleistungen');
      const loginCsrf = csrfIn(loginForm.body);
      const pre2 = cookieOf(loginForm, 'or_csrf')!;
      expect(loginForm.body).toContain('name="next" value="/leistungen"');
      const loggedIn = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { _csrf: loginCsrf, next: '/leistungen', email: 'hanna@example.org', password: PASSWORD },
        pre2,
      );
      expect(loggedIn.status).toBe(303);
      expect(loggedIn.headers.location).toBe('/leistungen');
      const cookie = cookieOf(loggedIn, 'or_citizen')!;

      const overview = await page('/konto', cookie);
      expect(overview.status).toBe(200);
      expect(overview.headers['cache-control']).toBe('no-store');
      expect(overview.body).toContain('Hanna Weber');
      expect(overview.body).toContain('hanna@example.org');
      expect(overview.body).toContain('Basis (E-Mail-Adresse bestätigt)');
      expect(overview.body).toContain('action="/konto/abmelden-ueberall"');
      // No identity provider in this portal: no step-up offered; asking for it says why.
      expect(overview.body).not.toContain('/konto/identitaet');
      const stepUp = await page('/konto/identitaet?level=substantial&next=%2Fkonto', cookie);
      expect(stepUp.status).toBe(503);
      expect(stepUp.body).toContain('Kein Identitätsdienst eingerichtet');
      expect((await page('/konto/identitaet?level=ultra', cookie)).status).toBe(400);
      const english = await page('/konto?lang=en', cookie);
      expect(english.body).toContain('My account');
      expect(english.body).toContain('Basic (e-mail address confirmed)');

      const sessionCsrf = csrfIn(overview.body);
      const out = await post(portal.port, '/konto/abmelden', host, { _csrf: sessionCsrf }, cookie);
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/');
      expect(cookieOf(out, 'or_citizen')).toBe('or_citizen=');
      const gone = await page('/konto', cookie);
      expect(gone.status).toBe(303);
      expect(gone.headers.location).toBe('/konto/anmelden?next=%2Fkonto');
    });

    it('sends `next` only to paths of this host', async () => {
      await account('bottrop', 'ida@example.org');
      for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
        const form = await page('/konto/anmelden');
        const response = await post(
          portal.port,
          '/konto/anmelden',
          host,
          { _csrf: csrfIn(form.body), next, email: 'ida@example.org', password: PASSWORD },
          cookieOf(form, 'or_csrf'),
        );
        expect([next, response.headers.location]).toEqual([next, '/konto']);
      }
    });

    it('shows faults in a summary that links to the fields, and beside each field', async () => {
      const form = await page('/konto/registrieren');
      const response = await post(
        portal.port,
        '/konto/registrieren',
        host,
        { _csrf: csrfIn(form.body), name: 'Jo', email: 'kein-mail', password: 'kurz' },
        cookieOf(form, 'or_csrf'),
      );
      expect(response.status).toBe(400);
      expect(response.body).toContain('role="alert"');
      expect(response.body).toContain(
        '<a class="kern-link" href="#f-email">E-Mail-Adresse: muss eine E-Mail-Adresse sein.</a>',
      );
      expect(response.body).toContain('<a class="kern-link" href="#f-password">Passwort: mindestens 12 Zeichen.</a>');
      expect(response.body).toMatch(
        /id="f-email"[^>]*aria-describedby="f-email-hint f-email-error"[^>]*aria-invalid="true"/,
      );
      expect(response.body).toContain('id="f-email-error"');
      expect(response.body).toContain('value="kein-mail"'); // typed values come back, passwords never
      expect(response.body).not.toContain('value="kurz"');
      expect(response.body).toContain('<title>Bitte prüfen Sie Ihre Angaben: Benutzerkonto anlegen');

      const english = await post(
        portal.port,
        '/konto/registrieren?lang=en',
        host,
        { _csrf: csrfIn(form.body), email: '' },
        cookieOf(form, 'or_csrf'),
      );
      expect(english.body).toContain('<a class="kern-link" href="#f-name">First and last name: is required.</a>');

      const loginForm = await page('/konto/anmelden');
      const wrong = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { _csrf: csrfIn(loginForm.body), email: 'hanna@example.org', password: 'ein falsches Passwort' },
        cookieOf(loginForm, 'or_csrf'),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('E-Mail-Adresse oder Passwort sind falsch');
      expect(wrong.body).toContain('value="hanna@example.org"');
    });

    it('refuses form posts with a missing or wrong _csrf (403, clear error)', async () => {
      const form = await page('/konto/anmelden');
      const pre = cookieOf(form, 'or_csrf')!;
      const missing = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { email: 'hanna@example.org', password: PASSWORD },
        pre,
      );
      expect(missing.status).toBe(403);
      expect(missing.body).toContain('Dem Formular fehlt sein Sicherheitsmerkmal');
      expect(cookieOf(missing, 'or_citizen')).toBeUndefined();
      const wrong = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { _csrf: 'falsch', email: 'hanna@example.org', password: PASSWORD },
        pre,
      );
      expect(wrong.status).toBe(403);
      expect(wrong.body).toContain('Das Sicherheitsmerkmal des Formulars passt nicht');
      // The token of one browser's pre-session does not fit another's cookie.
      const other = await page('/konto/anmelden');
      const swapped = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { _csrf: csrfIn(form.body), email: 'hanna@example.org', password: PASSWORD },
        cookieOf(other, 'or_csrf'),
      );
      expect(swapped.status).toBe(403);
      // Right token, but posted from another site.
      const foreign = await post(
        portal.port,
        '/konto/anmelden',
        host,
        { _csrf: csrfIn(form.body), email: 'hanna@example.org', password: PASSWORD },
        pre,
        { origin: 'https://evil.example' },
      );
      expect(foreign.status).toBe(403);

      // With a session: the session's token, nothing else.
      const { cookie } = await login('bottrop', 'hanna@example.org');
      const everywhere = await post(
        portal.port,
        '/konto/abmelden-ueberall',
        host,
        { _csrf: csrfIn(form.body) },
        `${cookie}; ${pre}`,
      );
      expect(everywhere.status).toBe(403);
      expect(everywhere.body).toContain('Das Sicherheitsmerkmal des Formulars passt nicht');
      const none = await post(portal.port, '/konto/abmelden', host, {}, cookie);
      expect(none.status).toBe(403);
      expect((await me('bottrop', cookie)).status).toBe(200);
      const overview = await page('/konto', cookie);
      const ok = await post(portal.port, '/konto/abmelden-ueberall', host, { _csrf: csrfIn(overview.body) }, cookie);
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('Überall abgemeldet');
      expect((await me('bottrop', cookie)).status).toBe(401);
    });

    it('resets the password with the forms', async () => {
      const form = await page('/konto/passwort-vergessen');
      const asked = await post(
        portal.port,
        '/konto/passwort-vergessen',
        host,
        { _csrf: csrfIn(form.body), email: 'ida@example.org' },
        cookieOf(form, 'or_csrf'),
      );
      expect(asked.status).toBe(200);
      expect(asked.body).toContain('Wenn es zu ida@example.org ein Benutzerkonto gibt');
      const link = new URL((await lastAccountMail(portal, 'ida@example.org', 'password-reset'))!.link);
      expect((await page('/konto/passwort-neu?token=unsinn')).status).toBe(400);
      const resetForm = await page(link.pathname + link.search);
      expect(resetForm.status).toBe(200);
      expect(resetForm.body).toContain('autocomplete="new-password"');
      const token = link.searchParams.get('token')!;
      const saved = await post(
        portal.port,
        '/konto/passwort-neu',
        host,
        { _csrf: csrfIn(resetForm.body), token, password: 'das neue Passwort von Ida' },
        cookieOf(resetForm, 'or_csrf'),
      );
      expect(saved.status).toBe(200);
      expect(saved.body).toContain('Passwort geändert');
      const used = await page(link.pathname + link.search);
      expect(used.status).toBe(400);
      expect(used.body).toContain('Neuen Link anfordern');
      expect((await login('bottrop', 'ida@example.org', 'das neue Passwort von Ida')).response.status).toBe(200);
    });
  });
});
