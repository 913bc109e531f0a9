import { get, send, sendBody } from '@openrathaus/testing';
import { cli, cliEnv, TestPortal, startTestPortal } from '../support';
import { Citizen, registerCitizen } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';
import { CUT_OFF_MULTIPART, multipartHead, rawRequest, stillAnswers } from './support-raw';

const METRICS_TOKEN = 'a-scraper-token-of-some-length';
const HOST = 'recklinghausen.localhost';

// Answers are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (body: string) => JSON.parse(body) as Record<string, any>;

describe('one request never takes the portal down', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let citizen: Citizen;
  let draft: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({
      smtpUrl: smtp.url,
      metricsToken: METRICS_TOKEN,
      metricsPort: 0,
    });
    citizen = await registerCitizen(portal, smtp, HOST, 'sicher@example.org');
    const created = await send(
      portal.port,
      'POST',
      '/api/v1/applications',
      HOST,
      { serviceKey: 'bewohnerparkausweis' },
      {
        cookie: citizen.cookie,
      },
    );
    draft = json(created.body).id as string;
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  const uploadPaths = () => [`/api/v1/applications/${draft}/attachments`, `/antraege/${draft}/schritt/antragsteller`];

  describe('malformed upload bodies', () => {
    it.each([0, 1])('a multipart body without its closing boundary is a 400 (upload route %#)', async (i) => {
      const path = uploadPaths()[i];
      const outcome = await rawRequest(
        portal.port,
        multipartHead(path, HOST, citizen.cookie, CUT_OFF_MULTIPART.length),
        { pieces: [CUT_OFF_MULTIPART] },
      );
      expect(outcome.status).toBe(400);
      expect(await stillAnswers(portal.port)).toBe(true);
    });

    it.each([0, 1])('a body shorter than its Content-Length, then the end of the connection (route %#)', async (i) => {
      const path = uploadPaths()[i];
      const outcome = await rawRequest(
        portal.port,
        multipartHead(path, HOST, citizen.cookie, CUT_OFF_MULTIPART.length + 5000),
        { pieces: [CUT_OFF_MULTIPART], then: 'end' },
      );
      // The client stopped sending; whatever the server still says, it must go on answering others.
      expect(outcome.status === undefined || outcome.status < 500).toBe(true);
      expect(await stillAnswers(portal.port)).toBe(true);
    });

    it.each([0, 1])('a client that disconnects mid-upload (route %#)', async (i) => {
      const path = uploadPaths()[i];
      await rawRequest(portal.port, multipartHead(path, HOST, citizen.cookie, 1_000_000), {
        pieces: [CUT_OFF_MULTIPART, Buffer.alloc(20_000, 0x41)],
        then: 'destroy',
      });
      expect(await stillAnswers(portal.port)).toBe(true);
    });

    it('a garbled multipart header and a boundary that never appears are 400s', async () => {
      for (const type of ['multipart/form-data; boundary=', 'multipart/form-data; boundary=zzz']) {
        const response = await sendBody(
          portal.port,
          'POST',
          uploadPaths()[0],
          HOST,
          Buffer.from('--b\r\nnonsense\r\n\r\n'),
          { cookie: citizen.cookie, 'content-type': type },
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      expect(await stillAnswers(portal.port)).toBe(true);
    });

    it('an upload longer than its files may be is refused before it is read', async () => {
      const outcome = await rawRequest(
        portal.port,
        multipartHead(uploadPaths()[0], HOST, citizen.cookie, 500_000_000),
        {
          pieces: [CUT_OFF_MULTIPART],
        },
      );
      expect(outcome.status).toBe(422);
      expect(outcome.text).toContain('"field":"file"');
      expect(await stillAnswers(portal.port)).toBe(true);
    });
  });

  describe('security headers', () => {
    it.each([
      ['the cached home page', '/'],
      ['a service page', '/leistungen'],
      ['the API', '/api/v1/tenant'],
      ['an unknown page', '/nichts-hier'],
    ])('%s carries them', async (_what, path) => {
      // The home page twice: the second answer comes from the cache in the host hook.
      await get(portal.port, path, HOST);
      const response = await get(portal.port, path, HOST);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('same-origin');
      // Not in development: HSTS would stick to *.localhost in a developer's browser.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    it('the API documentation alone may style inline (Swagger UI)', async () => {
      const docs = await get(portal.port, '/api/docs', HOST);
      expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
      expect(docs.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    });

    it('pages need no inline style: the theme is a stylesheet of its own, cached for ever', async () => {
      const page = await get(portal.port, '/leistungen', HOST, { accept: 'text/html' });
      expect(page.body).not.toMatch(/<style|style="|<script(?![^>]*src=)/);
      const href = /<link rel="stylesheet" href="(\/assets\/theme\/[^"]+)">/.exec(page.body)?.[1];
      // Recklinghausen's primary colour, then its secondary one.
      expect(href).toMatch(/^\/assets\/theme\/e2001a-[0-9a-f]{6}\.css$/);
      const css = await get(portal.port, href!, 'anything.example');
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toContain('text/css');
      expect(css.body).toContain('--or-primary:#e2001a');
      expect(css.headers['cache-control']).toContain('immutable');
      expect((await get(portal.port, '/assets/theme/red}body{x.css', HOST)).status).toBe(404);
    });
  });

  describe('personal answers', () => {
    it.each(['/api/v1/applications', () => `/api/v1/applications/${draft}`, '/antraege', '/konto'])(
      '%p is never cached',
      async (path) => {
        const url = typeof path === 'function' ? path() : path;
        const response = await get(portal.port, url, HOST, { cookie: citizen.cookie, accept: 'text/html' });
        expect(response.status).toBe(200);
        expect(response.headers['cache-control']).toBe('no-store');
      },
    );
  });

  describe('hosts and the operations endpoints', () => {
    it('refuses two Host headers with a 400', async () => {
      const outcome = await rawRequest(
        portal.port,
        `GET /api/v1/tenant HTTP/1.1\r\nHost: ${HOST}\r\nHost: duisburg.localhost\r\nConnection: close\r\n\r\n`,
      );
      expect(outcome.status).toBe(400);
    });

    it('refuses an absolute-form target that names another host than the Host header', async () => {
      const outcome = await rawRequest(
        portal.port,
        `GET http://duisburg.localhost/api/v1/tenant HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
      );
      expect(outcome.status).toBe(400);
    });

    it('serves no metrics on a tenant host, in absolute form neither, nor under an unknown host', async () => {
      const absolute = await rawRequest(
        portal.port,
        `GET http://${HOST}:${portal.port}/metrics HTTP/1.1\r\nHost: ${HOST}:${portal.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(absolute.status).toBe(404);
      expect(absolute.text).not.toContain('openrathaus_http_requests_total');
      for (const host of [HOST, 'unknown.example', '10.1.2.3']) {
        const response = await get(portal.port, '/metrics', host);
        expect(response.status).toBe(404);
        expect(response.body).not.toContain('openrathaus_http_requests_total');
      }
      // Percent-encoded and absolute paths lead to the same route, and are judged as it.
      for (const path of ['/%6detrics', '/metrics?x=1']) {
        expect((await get(portal.port, path, HOST)).status).toBe(404);
      }
      const wrongToken = await get(portal.port, '/metrics', '10.1.2.3', { authorization: 'Bearer wrong' });
      expect(wrongToken.status).toBe(404);
    });

    it('serves metrics with the bearer token on any host, on the metrics port, and on localhost in development', async () => {
      const withToken = await get(portal.port, '/metrics', '10.1.2.3', { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(withToken.status).toBe(200);
      expect(withToken.body).toContain('openrathaus_http_requests_total');
      const ownPort = await get(portal.config.metricsPort!, '/metrics', 'pod-address');
      expect(ownPort.status).toBe(200);
      expect(ownPort.body).toContain('openrathaus_http_requests_total');
      expect((await get(portal.config.metricsPort!, '/health', 'pod-address')).status).toBe(404);
      expect((await get(portal.port, '/metrics', 'localhost')).status).toBe(200);
    });

    it('answers /health on every host', async () => {
      for (const host of [HOST, 'unknown.example', '10.1.2.3', 'localhost']) {
        expect((await get(portal.port, '/health', host)).status).toBe(200);
      }
    });
  });

  describe('form posts of a logged-in citizen', () => {
    it('are refused by the CSRF guard without the session’s token, before anything happens', async () => {
      for (const path of [`/antraege/${draft}/absenden`, `/antraege/${draft}/bezahlen`, '/konto/abmelden']) {
        const response = await sendBody(portal.port, 'POST', path, HOST, Buffer.from('x=1'), {
          cookie: citizen.cookie,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
        });
        expect(response.status).toBe(403);
      }
      const forged = await sendBody(portal.port, 'POST', '/konto/abmelden', HOST, Buffer.from('_csrf=forged'), {
        cookie: citizen.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      });
      expect(forged.status).toBe(403);
      // The session is still there: nothing was done.
      expect((await get(portal.port, '/api/v1/auth/me', HOST, { cookie: citizen.cookie })).status).toBe(200);
      expect(
        json((await get(portal.port, `/api/v1/applications/${draft}`, HOST, { cookie: citizen.cookie })).body).status,
      ).toBe('draft');
    });
  });

  describe('staff routes', () => {
    it('refuses a cross-site form post to the staff login before it is processed', async () => {
      await cli(
        ['staff', 'add', '--tenant', 'recklinghausen', '--email', 'amt@example.org', '--role', 'caseworker'],
        cliEnv(portal),
      );
      const form = await sendBody(
        portal.port,
        'POST',
        '/api/v1/backoffice/login',
        HOST,
        Buffer.from('email=amt%40example.org&password=x'),
        { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      );
      expect(form.status).toBe(415);
      const crossSite = await send(
        portal.port,
        'POST',
        '/api/v1/backoffice/login',
        HOST,
        { email: 'amt@example.org', password: 'x' },
        { origin: 'https://evil.example' },
      );
      expect(crossSite.status).toBe(403);
      const fetchMeta = await send(
        portal.port,
        'POST',
        '/api/v1/backoffice/password',
        HOST,
        { password: 'x', newPassword: 'y' },
        { 'sec-fetch-site': 'cross-site' },
      );
      expect(fetchMeta.status).toBe(403);
      const admin = await send(
        portal.port,
        'POST',
        '/api/v1/admin/processes',
        HOST,
        {},
        { 'sec-fetch-site': 'same-site' },
      );
      expect(admin.status).toBe(403);
      // The same request from the portal's own page goes through to the password check.
      const own = await send(
        portal.port,
        'POST',
        '/api/v1/backoffice/login',
        HOST,
        { email: 'amt@example.org', password: 'x' },
        { origin: `http://${HOST}` },
      );
      expect(own.status).toBe(401);
    });
  });

  describe('deep and dirty input', () => {
    const answers = (body: Buffer | string) =>
      sendBody(portal.port, 'PUT', `/api/v1/applications/${draft}/answers`, HOST, Buffer.from(body), {
        cookie: citizen.cookie,
        'content-type': 'application/json',
      });

    it('refuses 100,000 levels of arrays with a 400 that names the limit', async () => {
      const response = await answers(`{"answers":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      expect(response.status).toBe(400);
      expect(json(response.body)).toMatchObject({ statusCode: 400, code: 'core.too_deep' });
      expect(json(response.body).message).toContain('64');
    });

    it('names the limit in English too', async () => {
      const response = await sendBody(
        portal.port,
        'PUT',
        `/api/v1/applications/${draft}/answers`,
        HOST,
        Buffer.from(`${'['.repeat(70)}${']'.repeat(70)}`),
        { cookie: citizen.cookie, 'content-type': 'application/json', 'accept-language': 'en' },
      );
      expect(json(response.body).message).toBe('The body is nested too deeply: at most 64 levels.');
    });

    it('a NUL at depth 70 is a 400, not a 500; at depth 40 and where a form has it, it is removed or refused by field', async () => {
      const nul = (depth: number) => `{"answers":{"vorname":${'['.repeat(depth)}"a\\u0000b"${']'.repeat(depth)}}}`;
      expect((await answers(nul(69))).status).toBe(400);
      expect((await answers(nul(39))).status).toBeLessThan(500);
      const shallow = await answers(
        JSON.stringify({
          answers: { vorname: 'Er\u0000ika', anschrift: { street: 'Am\u0000 Markt' }, x: [['\u0000']] },
        }),
      );
      expect(shallow.status).toBeLessThan(500);
      const saved = await get(portal.port, `/api/v1/applications/${draft}`, HOST, { cookie: citizen.cookie });
      expect(saved.status).toBe(200);
      expect(saved.body).not.toContain('\\u0000');
      const bell = await answers(JSON.stringify({ answers: { vorname: 'Er\u0007ika' } }));
      expect(bell.status).toBeLessThan(500);
      expect(JSON.stringify(json(bell.body))).toContain('vorname');
    });

    it('a query parameter given twice is a 400 that names it, through the DTO of the query', async () => {
      const response = await get(portal.port, '/api/v1/services?q=Hund&q=Katze', HOST);
      expect(response.status).toBe(400);
      expect(json(response.body).errors).toEqual([{ field: 'q', message: expect.stringContaining('einmal') }]);
      expect((await get(portal.port, '/api/v1/services?q=Hund', HOST)).status).toBe(200);
    });

    it('a body that is not JSON, and one that poisons prototypes, are 400s', async () => {
      expect((await answers('{"answers":')).status).toBe(400);
      const poisoned = await answers('{"answers":{"__proto__":{"admin":true}}}');
      expect(poisoned.status).toBe(400);
      expect(json(poisoned.body).code).toBe('core.invalid_json');
    });

    it('a body without answers, or with answers that are not an object, is a 400 naming the field', async () => {
      for (const body of ['{}', '{"answers":["a"]}', '{"answers":"a"}']) {
        const refused = await answers(body);
        expect(refused.status).toBe(400);
        expect(json(refused.body).errors).toEqual([expect.objectContaining({ field: 'answers' })]);
      }
    });

    it('a malformed Cookie header is no 500: no session, a fresh form token, the home page as usual', async () => {
      const malformed = [
        'or_citizen=%E0%A4%A; or_csrf=%zz; or_staff=%',
        ';;; =; =x; or_citizen; lang',
        '__proto__=x; constructor=y; hasOwnProperty=z; lang=%; lang=en',
        `or_citizen="${'a'.repeat(43)}; or_staff=${'b'.repeat(4000)}`,
        `${citizen.cookie.split(';')[0]}%zz`,
      ];
      for (const cookie of malformed) {
        const home = await get(portal.port, '/', HOST, { cookie, accept: 'text/html' });
        expect(home.status).toBe(200);
        const account = await get(portal.port, '/api/v1/auth/me', HOST, { cookie });
        expect(account.status).toBe(401);
        const staff = await get(portal.port, '/api/v1/admin/processes/a/b/versions', HOST, { cookie });
        expect(staff.status).toBe(401);
        const form = await get(portal.port, '/konto/anmelden', HOST, { cookie, accept: 'text/html' });
        expect(form.status).toBe(200);
        expect(String(form.headers['set-cookie'])).toMatch(/^or_csrf=[A-Za-z0-9_-]{43};/);
        const login = await sendBody(
          portal.port,
          'POST',
          '/konto/anmelden',
          HOST,
          Buffer.from('email=a%40example.org&password=x&_csrf=y'),
          { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        );
        expect(login.status).toBe(403);
      }
      expect(await stillAnswers(portal.port)).toBe(true);
    });

    it('control characters and a prototype key in a form post are no 500', async () => {
      const response = await sendBody(
        portal.port,
        'POST',
        '/konto/anmelden',
        HOST,
        Buffer.from('email=a%00b%40example.org&pass%00word=x%01y&__proto__=z'),
        { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      );
      expect(response.status).toBeLessThan(500);
      expect(await stillAnswers(portal.port)).toBe(true);
    });
  });
});

describe('slow and many clients', () => {
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
  });

  afterAll(async () => {
    await smtp?.close();
  });

  it('a tight portal: slow headers and a stalled body are cut off, a flood of connections is bounded, logins queue', async () => {
    const tight = await startTestPortal({
      smtpUrl: smtp.url,
      limits: {
        maxConnections: 24,
        maxInFlight: 512,
        maxEventLoopDelayMs: 0,
        requestTimeoutMs: 2000,
        headersTimeoutMs: 1000,
        keepAliveTimeoutMs: 2000,
        hashConcurrency: 1,
        hashQueue: 2,
      },
    });
    try {
      // Slow loris: a header line now and then, never the end of the headers.
      const loris = await rawRequest(tight.port, `GET / HTTP/1.1\r\nHost: ${HOST}\r\n`, {
        pieces: Array.from({ length: 30 }, (_, i) => Buffer.from(`X-Slow-${i}: 1\r\n`)),
        pauseMs: 400,
        boundMs: 15_000,
      });
      expect(loris.closedByServer).toBe(true);
      expect(loris.text).not.toContain('200 OK');

      // A body that stops halfway and stays open.
      const stalled = await rawRequest(
        tight.port,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":`,
        { boundMs: 15_000 },
      );
      expect(stalled.closedByServer).toBe(true);
      expect(await stillAnswers(tight.port)).toBe(true);

      // Twice as many connections at once as allowed: those past the cap are closed unanswered.
      const flood = await Promise.all(
        Array.from({ length: 48 }, () =>
          rawRequest(tight.port, `GET /health HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, { boundMs: 10_000 }),
        ),
      );
      const answered = flood.filter((o) => o.status === 200).length;
      expect(answered).toBeGreaterThan(0);
      expect(answered).toBeLessThanOrEqual(24);
      expect(flood.filter((o) => o.status === undefined && o.closedByServer).length).toBe(48 - answered);
      expect(await stillAnswers(tight.port)).toBe(true);

      // Ten logins at once against one hash at a time and two in line: the rest get 503 with Retry-After.
      const logins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          send(tight.port, 'POST', '/api/v1/auth/login', HOST, {
            email: `flood${i}@example.org`,
            password: 'x'.repeat(12),
          }),
        ),
      );
      const statuses = logins.map((r) => r.status);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      for (const r of logins.filter((l) => l.status === 503)) expect(r.headers['retry-after']).toBeDefined();
      expect(statuses.every((s) => s === 503 || (s >= 400 && s < 500))).toBe(true);
      expect(await stillAnswers(tight.port)).toBe(true);
    } finally {
      await tight.stop();
    }
  });

  it('a saturated portal answers 503 with Retry-After, its page says when to try again, and it answers again once it is not', async () => {
    const busy = await startTestPortal({
      smtpUrl: smtp.url,
      limits: {
        maxConnections: 64,
        maxInFlight: 2,
        maxEventLoopDelayMs: 0,
        requestTimeoutMs: 3000,
        headersTimeoutMs: 1000,
        keepAliveTimeoutMs: 2000,
        hashConcurrency: 1,
        hashQueue: 2,
      },
    });
    try {
      // Two requests in progress whose bodies never come: the instance is full until they are cut off.
      const stalled = `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":`;
      const held = [
        rawRequest(busy.port, stalled, { boundMs: 15_000 }),
        rawRequest(busy.port, stalled, { boundMs: 15_000 }),
      ];
      let page = await get(busy.port, '/leistungen', HOST, { accept: 'text/html' });
      while (page.status === 200) page = await get(busy.port, '/leistungen', HOST, { accept: 'text/html' });
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('2');
      expect(page.body).toContain('Bitte versuchen Sie es in 2 Sekunden noch einmal.');
      const api = await get(busy.port, '/api/v1/services', HOST);
      expect(api.status).toBe(503);
      expect(json(api.body).code).toBe('core.busy');
      // Probes still answer: a saturated instance is not a dead one.
      expect((await get(busy.port, '/health', HOST)).status).toBe(200);
      await Promise.all(held);
      // The same request, asked again, is answered.
      expect((await get(busy.port, '/leistungen', HOST, { accept: 'text/html' })).status).toBe(200);
    } finally {
      await busy.stop();
    }
  });
});
