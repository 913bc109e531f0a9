import { TestResponse, get, send } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { lastAccountMail } from '../support-citizen';
import { TestOidcProvider, startTestOidcProvider } from '../support-oidc';

describe('step-up of the identity level with OpenID Connect', () => {
  let oidc: TestOidcProvider;
  let portal: TestPortal;
  // With the port, as a browser sends it: the callback URL is built from the Host header.
  let host = '';
  const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const sessionCookie = (r: TestResponse) => /or_citizen=[^;]*/.exec(String(r.headers['set-cookie'] ?? ''))?.[0];
  const level = async (cookie: string) => {
    const me = await get(portal.port, '/api/v1/auth/me', host, { cookie });
    return me.status === 200 ? (json(me).trustLevel as string) : me.status;
  };
  /** Starts a step-up on the portal and plays the citizen at the provider; answers the callback URL. */
  const toCallback = async (cookie: string, wanted: string) => {
    const start = await get(portal.port, `/konto/identitaet?level=${wanted}&next=%2Fkonto`, host, { cookie });
    expect(start.status).toBe(303);
    return new URL(await oidc.authorize(String(start.headers.location)));
  };
  const callback = (url: URL, cookie: string) =>
    get(portal.port, url.pathname + url.search, url.host, cookie ? { cookie } : {});

  let cookie = '';
  beforeAll(async () => {
    oidc = await startTestOidcProvider();
    portal = await startTestPortal({
      oidcIssuer: oidc.issuer,
      oidcClientId: oidc.clientId,
      oidcClientSecret: oidc.clientSecret,
    });
    host = `recklinghausen.localhost:${portal.port}`;
    await oidc.register([`http://${host}/konto/identitaet/callback`]);
    const email = 'eid@example.org';
    const password = 'ein langes Passwort';
    await send(portal.port, 'POST', '/api/v1/auth/register', host, { email, password, name: 'Erika Eid' });
    const token = new URL((await lastAccountMail(portal, email, 'account-verify'))!.link).searchParams.get('token');
    expect((await send(portal.port, 'POST', '/api/v1/auth/verify', host, { token })).status).toBe(200);
    const login = await send(portal.port, 'POST', '/api/v1/auth/login', host, { email, password });
    cookie = sessionCookie(login)!;
  });
  afterAll(async () => {
    await portal?.stop();
    await oidc?.stop();
  });

  it('asks a login first', async () => {
    const start = await get(portal.port, '/konto/identitaet?level=substantial&next=%2Fkonto', host);
    expect(start.status).toBe(303);
    expect(start.headers.location).toBe(
      `/konto/anmelden?next=${encodeURIComponent('/konto/identitaet?level=substantial&next=%2Fkonto')}`,
    );
  });

  it('raises the session to the level the provider confirms, under a new session id', async () => {
    expect(await level(cookie)).toBe('basic');
    const start = await get(portal.port, '/konto/identitaet?level=substantial&next=%2Fkonto', host, { cookie });
    expect(start.status).toBe(303);
    const authorization = new URL(String(start.headers.location));
    expect(authorization.origin).toBe(oidc.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: oidc.clientId,
      response_type: 'code',
      scope: 'openid',
      code_challenge_method: 'S256',
      acr_values: 'http://eidas.europa.eu/LoA/substantial http://eidas.europa.eu/LoA/high',
      redirect_uri: `http://${host}/konto/identitaet/callback`,
    });
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();

    const back = new URL(await oidc.authorize(authorization.toString()));
    expect(back.pathname).toBe('/konto/identitaet/callback');
    const done = await callback(back, cookie);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/konto');
    const raised = sessionCookie(done)!;
    expect(raised).not.toBe(cookie);
    expect(await level(raised)).toBe('substantial');
    // The id known before the step-up is gone: it never carries the higher level.
    expect(await level(cookie)).toBe(401);
    cookie = raised;
    // The overview says so; asking for a level the session has goes straight on.
    expect((await get(portal.port, '/konto', host, { cookie })).body).toContain('data-level="substantial"');
    const again = await get(portal.port, '/konto/identitaet?level=substantial&next=%2Fleistungen', host, { cookie });
    expect(again.headers.location).toBe('/leistungen');
  });

  it('binds the identity proven first to the account: another person, or a second account, is refused', async () => {
    const register = async (email: string) => {
      const password = 'ein langes Passwort';
      await send(portal.port, 'POST', '/api/v1/auth/register', host, { email, password, name: 'Zweites Konto' });
      const link = (await lastAccountMail(portal, email, 'account-verify'))!.link;
      await send(portal.port, 'POST', '/api/v1/auth/verify', host, { token: new URL(link).searchParams.get('token') });
      return sessionCookie(await send(portal.port, 'POST', '/api/v1/auth/login', host, { email, password }))!;
    };
    // The same person's eID on a second account of the realm: refused.
    const second = await register('zweites.konto@example.org');
    const refused = await callback(await toCallback(second, 'substantial'), second);
    expect(refused.status).toBe(403);
    expect(await level(second)).toBe('basic');
    // Another person's eID on the first account: refused; that person on a fresh account: fine.
    oidc.subject = 'citizen-0815';
    try {
      const other = await callback(await toCallback(cookie, 'high'), cookie);
      expect(other.status).toBe(403);
      const third = await register('drittes.konto@example.org');
      const fine = await callback(await toCallback(third, 'substantial'), third);
      expect(fine.status).toBe(303);
    } finally {
      oidc.subject = undefined;
    }
  });

  it('refuses a forged state and a replayed return, and the level stays as it was', async () => {
    const back = await toCallback(cookie, 'high');
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value');
    const refused = await callback(forged, cookie);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Identitätsnachweis nicht gelungen');
    expect(sessionCookie(refused)).toBeUndefined();
    expect(await level(cookie)).toBe('substantial');
    // The state served once: the genuine return after the forged one is refused too.
    expect((await callback(back, cookie)).status).toBe(400);
    expect(await level(cookie)).toBe('substantial');
  });

  it('refuses a return without a step-up under way, and one from another session', async () => {
    const back = await toCallback(cookie, 'high');
    const other = await send(portal.port, 'POST', '/api/v1/auth/login', host, {
      email: 'eid@example.org',
      password: 'ein langes Passwort',
    });
    const stranger = sessionCookie(other)!;
    expect((await callback(back, stranger)).status).toBe(400);
    expect(await level(stranger)).toBe('basic');
    expect((await callback(back, '')).status).toBe(401);
  });

  it('raises no higher than the acr the provider answers, and never lowers', async () => {
    oidc.acr = 'http://eidas.europa.eu/LoA/low';
    try {
      const back = await toCallback(cookie, 'high');
      const done = await callback(back, cookie);
      expect(done.status).toBe(303);
      cookie = sessionCookie(done)!;
      expect(await level(cookie)).toBe('substantial');
    } finally {
      oidc.acr = undefined;
    }
    const back = await toCallback(cookie, 'high');
    const done = await callback(back, cookie);
    expect(await level(sessionCookie(done)!)).toBe('high');
  });
});

describe('step-up while the identity provider is away', () => {
  let portal: TestPortal;
  let host = '';
  let cookie = '';

  beforeAll(async () => {
    // Nothing listens on port 9: the provider cannot be found, at the start or later.
    portal = await startTestPortal({ oidcIssuer: 'http://127.0.0.1:9/realm', oidcClientId: 'portal' });
    host = `recklinghausen.localhost:${portal.port}`;
    const email = 'eid-away@example.org';
    const password = 'ein langes Passwort';
    await send(portal.port, 'POST', '/api/v1/auth/register', host, { email, password, name: 'Erika Eid' });
    const token = new URL((await lastAccountMail(portal, email, 'account-verify'))!.link).searchParams.get('token');
    expect((await send(portal.port, 'POST', '/api/v1/auth/verify', host, { token })).status).toBe(200);
    const login = await send(portal.port, 'POST', '/api/v1/auth/login', host, { email, password });
    cookie = /or_citizen=[^;]*/.exec(String(login.headers['set-cookie'] ?? ''))![0];
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('says so on a page of its own (503), each time it is asked, and the portal goes on', async () => {
    for (let i = 0; i < 2; i++) {
      const start = await get(portal.port, '/konto/identitaet?level=substantial&next=%2Fkonto', host, {
        cookie,
        accept: 'text/html',
      });
      expect(start.status).toBe(503);
      expect(start.body).toContain('<html');
    }
    const back = await get(portal.port, '/konto/identitaet/callback?code=x&state=y', host, {
      cookie,
      accept: 'text/html',
    });
    expect(back.status).toBe(503);
    expect((await get(portal.port, '/konto/identitaet?level=ultra', host, { cookie })).status).toBe(400);
    expect((await get(portal.port, '/health', 'localhost')).status).toBe(200);
  });
});
