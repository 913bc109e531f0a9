import { Client } from 'pg';
import { Applications } from '@openrathaus/applications';
import { loadConfig } from '@openrathaus/core';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import {
  PaymentSandbox,
  PaymentSandboxTransactionsRepository,
  Payments,
  PaymentsError,
  PaymentsRepository,
  PaymentsErrorCode,
  XBezahldiensteClient,
  paymentPurpose,
} from '@openrathaus/payments';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, postForm, send } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';

const failure = async (promise: Promise<unknown>): Promise<PaymentsError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaymentsError);
  return error as PaymentsError;
};

describe('payments (XBezahldienste client, sandbox, Payments service)', () => {
  let portal: TestPortal;
  let payments: Payments;
  let ge: Tenant;
  let re: Tenant;
  let owner: Client;

  beforeAll(async () => {
    portal = await startTestPortal();
    payments = portal.app.get(Payments);
    const registry = portal.app.get(TenantRegistry);
    ge = registry.get('gelsenkirchen')!;
    re = registry.get('recklinghausen')!;
    owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await portal?.stop();
  });

  const geHost = () => `gelsenkirchen.localhost:${portal.port}`;
  const draft = async () => (await portal.app.get(Applications).startDraft(ge, 'bewohnerparkausweis')).id;
  const start = (applicationId: string, amountCents = 3070) =>
    payments.start(ge, {
      applicationId,
      amountCents,
      purpose: paymentPurpose('RE-2026-000123', 'Bewohnerparkausweis'),
      reference: 'RE-2026-000123',
      returnUrl: `http://${geHost()}/antraege/${applicationId}/zahlung`,
    });

  /** Opens the pay page as the payer's browser does, and returns its token and cookie. */
  const open = async (redirectUrl: string) => {
    const url = new URL(redirectUrl);
    const page = await get(portal.port, url.pathname, url.host, { accept: 'text/html' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const cookie = /or_sandbox_csrf=[^;]+/.exec(String(page.headers['set-cookie'] ?? ''))?.[0] ?? '';
    return { url, page, csrf, cookie };
  };
  /** Chooses an outcome on the pay page. */
  const choose = async (redirectUrl: string, action: 'pay' | 'fail' | 'cancel') => {
    const { url, csrf, cookie } = await open(redirectUrl);
    return postForm(portal.port, url.pathname, url.host, { action, csrf }, { cookie });
  };
  const auditCount = async (action: string, paymentId: string) =>
    Number(
      (
        await owner.query(`select count(*) from public.audit_log where action = $1 and subject = $2`, [
          action,
          `payment:${paymentId}`,
        ])
      ).rows[0].count,
    );

  it('opens a payment, shows the pay page, pays, and reports it paid exactly once', async () => {
    const applicationId = await draft();
    const started = await start(applicationId);
    const redirect = new URL(started.redirectUrl);
    // The pay page is on the payer's (tenant's) host, which the sandbox inside the portal answers on.
    expect(redirect.host).toBe(geHost());
    expect(redirect.pathname).toMatch(/^\/_sandbox\/xbezahldienste\/pay\/sbx-[A-Za-z0-9_-]+$/);
    expect(await start(applicationId)).toEqual(started); // an open payment of the same amount is reused
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'INITIAL', justPaid: false });

    const { page, csrf, cookie } = await open(started.redirectUrl);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<html lang="de" dir="ltr">');
    expect(page.body).toContain('30,70');
    expect(page.body).toContain('RE-2026-000123 Bewohnerpark');
    for (const [value, label] of [
      ['pay', 'Bezahlen'],
      ['fail', 'Fehlschlagen lassen'],
      ['cancel', 'Abbrechen'],
    ]) {
      expect(page.body).toMatch(new RegExp(`value="${value}"><span class="kern-label">${label}</span>`));
    }
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);

    // A post without the page's token (another site's form) changes nothing.
    const path = redirect.pathname;
    expect((await postForm(portal.port, path, geHost(), { action: 'pay', csrf })).status).toBe(403);
    expect(
      (await postForm(portal.port, path, geHost(), { action: 'pay', csrf: 'x'.repeat(32) }, { cookie })).status,
    ).toBe(403);
    expect((await postForm(portal.port, path, geHost(), { action: 'steal', csrf }, { cookie })).status).toBe(400);
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'INITIAL', justPaid: false });

    const paid = await postForm(portal.port, path, geHost(), { action: 'pay', csrf }, { cookie });
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`http://${geHost()}/antraege/${applicationId}/zahlung`);

    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'PAYED', justPaid: true });
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'PAYED', justPaid: false });
    const payment = await payments.forApplication(ge, applicationId);
    expect(payment).toMatchObject({ id: started.paymentId, status: 'PAYED', amountCents: 3070, note: null });
    expect(payment?.paidAt).toBeInstanceOf(Date);
    expect(payment?.redirectUrl).toBeUndefined();
    expect(await auditCount('payment.payed', started.paymentId)).toBe(1);

    expect((await failure(start(applicationId))).code).toBe(PaymentsErrorCode.AlreadyPaid);
    // A second choice on the pay page changes nothing; the page now says how it ended.
    expect((await postForm(portal.port, path, geHost(), { action: 'cancel', csrf }, { cookie })).status).toBe(303);
    const after = await open(started.redirectUrl);
    expect(after.page.body).toContain('Diese Zahlung ist bezahlt.');
    expect(after.page.body).not.toContain('value="pay"');
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'PAYED', justPaid: false });
  });

  it('records a payment once when confirmations race', async () => {
    const applicationId = await draft();
    const { paymentId, redirectUrl } = await start(applicationId);
    expect((await choose(redirectUrl, 'pay')).status).toBe(303);
    const results = await Promise.all(Array.from({ length: 5 }, () => payments.confirm(ge, applicationId)));
    expect(results.filter((r) => r.justPaid)).toHaveLength(1);
    expect(results.every((r) => r.status === 'PAYED')).toBe(true);
    expect(await auditCount('payment.payed', paymentId)).toBe(1);
  });

  it('records failed and cancelled payments and opens a new one for another try', async () => {
    const applicationId = await draft();
    const first = await start(applicationId);
    expect((await choose(first.redirectUrl, 'fail')).status).toBe(303);
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'FAILED', justPaid: false });

    const second = await start(applicationId);
    expect(second.paymentId).not.toBe(first.paymentId);
    expect(second.redirectUrl).not.toBe(first.redirectUrl);
    expect((await choose(second.redirectUrl, 'cancel')).status).toBe(303);
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'CANCELED', justPaid: false });

    expect((await payments.history(ge, applicationId)).map((p) => p.status)).toEqual(['CANCELED', 'FAILED']);
    expect(await payments.forApplication(ge, applicationId)).toMatchObject({ id: second.paymentId });
    expect(await auditCount('payment.failed', first.paymentId)).toBe(1);
    expect(await auditCount('payment.canceled', second.paymentId)).toBe(1);

    const third = await start(applicationId, 4000);
    expect((await choose(third.redirectUrl, 'pay')).status).toBe(303);
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'PAYED', justPaid: true });
  });

  it('refuses a payment reported paid with another amount, and records why', async () => {
    const applicationId = await draft();
    const { paymentId, redirectUrl } = await start(applicationId);
    expect((await choose(redirectUrl, 'pay')).status).toBe(303);
    const transactionId = new URL(redirectUrl).pathname.split('/').pop();
    await owner.query(`update public.payment_sandbox_transactions set amount_cents = 100 where id = $1`, [
      transactionId,
    ]);
    expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'FAILED', justPaid: false });
    expect(await payments.forApplication(ge, applicationId)).toMatchObject({
      status: 'FAILED',
      note: 'amount_mismatch',
    });
    const audit = await owner.query(`select data from public.audit_log where action = $1 and subject = $2`, [
      'payment.amount_mismatch',
      `payment:${paymentId}`,
    ]);
    expect(audit.rows).toEqual([
      { data: expect.objectContaining({ reported: 'PAYED', reportedAmountCents: 100, amountCents: 3070 }) },
    ]);
  });

  it("keeps one tenant's payments from another, in the service and in SQL as the application role", async () => {
    const applicationId = await draft();
    const { paymentId } = await start(applicationId);
    expect(await payments.forApplication(re, applicationId)).toBeUndefined();
    expect(await payments.history(re, applicationId)).toEqual([]);
    expect((await failure(payments.confirm(re, applicationId))).code).toBe(PaymentsErrorCode.NotFound);
    const foreign = await failure(
      payments.start(re, {
        applicationId,
        amountCents: 100,
        purpose: 'X-1 Test',
        reference: 'X-1',
        returnUrl: 'http://recklinghausen.localhost/',
      }),
    );
    expect(foreign.code).toBe(PaymentsErrorCode.NotFound);
    expect((await failure(payments.confirm(ge, 'not-a-uuid'))).code).toBe(PaymentsErrorCode.NotFound);

    const app = new Client({ connectionString: portal.db.appUrl });
    await app.connect();
    try {
      const count = async (tenantId: string) => {
        await app.query('begin');
        await app.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        const rows = (await app.query(`select id from public.payments where id = $1`, [paymentId])).rows;
        await app.query('rollback');
        return rows.length;
      };
      expect(await count(ge.id)).toBe(1);
      expect(await count(re.id)).toBe(0);
      expect(await count('')).toBe(0);
      // Nor can the application role write a payment into another tenant.
      await app.query('begin');
      await app.query(`select set_config('app.tenant_id', $1, true)`, [re.id]);
      await expect(
        app.query(
          `insert into public.payments (tenant_id, application_id, provider, transaction_id, payment_url,
             amount_cents, purpose, reference, status)
           values ($1, $2, 'x', 'x', 'http://x', 1, 'x', 'x', 'INITIAL')`,
          [ge.id, applicationId],
        ),
      ).rejects.toThrow(/row-level security/);
      await app.query('rollback');
    } finally {
      await app.end();
    }
  });

  it('refuses bad input to start, naming the fields', async () => {
    const error = await failure(
      payments.start(ge, {
        applicationId: await draft(),
        amountCents: 12.5,
        purpose: 'Gebühr für den Bewohnerparkausweis',
        reference: 'RE 1',
        returnUrl: 'javascript:alert(1)',
      }),
    );
    expect(error.code).toBe(PaymentsErrorCode.InvalidInput);
    expect(error.fields.map((f) => f.field)).toEqual(['amountCents', 'purpose', 'reference', 'returnUrl']);
  });

  describe('sandbox HTTP interface (XBezahldienste 1.0 shape)', () => {
    const path = '/_sandbox/xbezahldienste/paymenttransaction/openrathaus/gelsenkirchen';
    const valid = (extra: Record<string, unknown> = {}) => ({
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      currency: 'EUR',
      grosAmount: 30.7,
      purpose: 'RE-2026-000123 Bewohnerpark',
      redirectUrl: 'http://gelsenkirchen.localhost/antraege/1/zahlung',
      items: [{ id: '1', reference: 'RE-2026-000123', totalNetAmount: 30.7, totalTaxAmount: 0 }],
      ...extra,
    });
    // The portal reaches the sandbox at 127.0.0.1, a host no tenant has.
    const post = (body: unknown, to = path) => send(portal.port, 'POST', to, `127.0.0.1:${portal.port}`, body);
    const fieldsOf = (r: TestResponse) =>
      ((JSON.parse(r.body) as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);

    it('opens a transaction and tells its status', async () => {
      const created = await post(valid());
      expect(created.status).toBe(200);
      const body = JSON.parse(created.body);
      expect(body.paymentInformation).toMatchObject({ status: 'INITIAL' });
      expect(body.paymentInformation.transactionRedirectUrl).toMatch(
        /^http:\/\/gelsenkirchen\.localhost\/_sandbox\/xbezahldienste\/pay\/sbx-/,
      );
      expect(body.paymentRequest).toMatchObject({ grosAmount: 30.7, purpose: 'RE-2026-000123 Bewohnerpark' });
      const statusUrl = new URL(body.paymentInformation.transactionUrl);
      const status = await get(portal.port, statusUrl.pathname, `127.0.0.1:${portal.port}`);
      expect(status.status).toBe(200);
      expect(JSON.parse(status.body).paymentInformation.transactionId).toBe(body.paymentInformation.transactionId);
      // Only at the originator and end point it was opened at.
      const elsewhere = statusUrl.pathname.replace('/gelsenkirchen/', '/recklinghausen/');
      expect((await get(portal.port, elsewhere, `127.0.0.1:${portal.port}`)).status).toBe(404);
      expect((await get(portal.port, `${path}/sbx-unknown`, `127.0.0.1:${portal.port}`)).status).toBe(404);
    });

    it('refuses bad requests with a 4xx that names each field', async () => {
      const empty = await post({});
      expect(empty.status).toBe(400);
      expect(fieldsOf(empty)).toEqual(
        expect.arrayContaining(['requestId', 'currency', 'grosAmount', 'purpose', 'redirectUrl', 'items']),
      );
      const cases: [Record<string, unknown>, string][] = [
        [{ grosAmount: 0 }, 'grosAmount'],
        [{ grosAmount: 30.701 }, 'grosAmount'],
        [{ grosAmount: 1_000_000 }, 'grosAmount'],
        [{ grosAmount: '30.70' }, 'grosAmount'],
        [{ purpose: 'x'.repeat(28) }, 'purpose'],
        [{ purpose: 'Gebühr' }, 'purpose'],
        [{ redirectUrl: 'ftp://example.org/' }, 'redirectUrl'],
        [{ redirectUrl: 'https://evil.example/' }, 'redirectUrl'],
        [{ requestId: 'a b' }, 'requestId'],
        [{ currency: 'USD' }, 'currency'],
        [{ items: [{ id: '1', totalNetAmount: 10 }] }, 'items'],
      ];
      for (const [change, field] of cases) {
        const refused = await post(valid(change));
        expect({ change, status: refused.status, fields: fieldsOf(refused) }).toEqual({
          change,
          status: 400,
          fields: [field],
        });
      }
      const badEndPoint = await post(valid(), path.replace('/gelsenkirchen', '/gelsen.kirchen'));
      expect(fieldsOf(badEndPoint)).toEqual(['endPointId']);
      expect((await post('kein JSON')).status).toBe(400);
    });

    it('refuses a second request with the same requestId (PAYMENT_EXISTS)', async () => {
      const body = valid();
      expect((await post(body)).status).toBe(200);
      const again = await post(body);
      expect(again.status).toBe(409);
      expect(fieldsOf(again)).toEqual(['requestId']);
    });

    it('is switched off in production unless PAYMENT_SANDBOX=true', async () => {
      const inProduction = (env: NodeJS.ProcessEnv) => {
        const { payments } = loadConfig({
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://a@b/c',
          APP_SECRET: 'x'.repeat(32),
          ...env,
        });
        return new PaymentSandbox(
          portal.app.get(PaymentSandboxTransactionsRepository),
          portal.app.get(TenantRegistry),
          { ...portal.config, env: 'production', payments },
        );
      };
      const sandbox = inProduction({});
      expect(sandbox.enabled).toBe(false);
      expect((await failure(sandbox.create('http://x', 'a', 'b', valid()))).code).toBe(
        PaymentsErrorCode.SandboxDisabled,
      );
      expect(inProduction({ PAYMENT_SANDBOX: 'true' }).enabled).toBe(true);
    });
  });

  it('reaches the sandbox where 127.0.0.1 is no known host (as in production), and pays on the tenant domain', async () => {
    // Without development hosts, 127.0.0.1 and *.localhost name no portal: the sandbox must still
    // answer the server's own calls there and the payer on the tenant's domain.
    portal.config.devHosts = false;
    try {
      const applicationId = await draft();
      const { redirectUrl } = await payments.start(ge, {
        applicationId,
        amountCents: 990,
        purpose: 'GE-1 Test',
        reference: 'GE-1',
        returnUrl: `https://${ge.domains[0]}/antraege/${applicationId}/zahlung`,
      });
      expect(new URL(redirectUrl).host).toBe(ge.domains[0]);
      const { url, csrf, cookie } = await open(redirectUrl);
      expect(csrf).not.toBe('');
      expect((await postForm(portal.port, url.pathname, url.host, { action: 'pay', csrf }, { cookie })).status).toBe(
        303,
      );
      expect(await payments.confirm(ge, applicationId)).toEqual({ status: 'PAYED', justPaid: true });
      expect((await get(portal.port, '/', `127.0.0.1:${portal.port}`)).status).toBe(404);
    } finally {
      portal.config.devHosts = true;
    }
  });

  it('reports an unreachable payment service as unavailable and records nothing', async () => {
    const client = new XBezahldiensteClient(
      { ...portal.config, paymentUrl: 'http://127.0.0.1:9/xbd/' },
      { timeoutMs: 1000 },
    );
    const unreachable = new Payments(
      portal.app.get(TenantTransactions),
      client,
      portal.app.get(Applications),
      portal.app.get(AuditLog),
      portal.app.get(PaymentsRepository),
    );
    const applicationId = await draft();
    const error = await failure(
      unreachable.start(ge, {
        applicationId,
        amountCents: 100,
        purpose: 'X-1 Test',
        reference: 'X-1',
        returnUrl: `http://${geHost()}/`,
      }),
    );
    expect(error.code).toBe(PaymentsErrorCode.ProviderUnavailable);
    expect(error.kind).toBe('unavailable');
    expect(await payments.history(ge, applicationId)).toEqual([]);
  });
});
