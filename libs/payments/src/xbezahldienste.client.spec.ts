import { Logger } from '@nestjs/common';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '@openrathaus/core';
import { PaymentsError, PaymentsErrorCode } from './payments.error';
import { XBezahldiensteClient } from './xbezahldienste.client';

const input = {
  amountCents: 3070,
  currency: 'EUR' as const,
  purpose: 'RE-2026-000123 Bewohnerpark',
  reference: 'RE-2026-000123',
  returnUrl: 'http://gelsenkirchen.localhost:3000/antraege/x/zahlung',
  tenantSlug: 'gelsenkirchen',
};

/** A local HTTP server standing in for a payment service that misbehaves in a given way. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/xbd`, server };
}

const client = (paymentUrl: string | undefined, env: 'development' | 'production' = 'development') =>
  new XBezahldiensteClient(
    {
      ...loadConfig(
        env === 'production'
          ? { NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c', APP_SECRET: 'x'.repeat(32) }
          : { NODE_ENV: env },
      ),
      paymentUrl,
    },
    {
      timeoutMs: 300,
    },
  );

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaymentsError);
  return error as PaymentsError;
};

describe('XBezahldiensteClient', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reports an unreachable service as unavailable (503), not as an internal error', async () => {
    const { url, server } = await serve(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    const error = await failure(client(url).create(input));
    expect(error.code).toBe(PaymentsErrorCode.ProviderUnavailable);
    expect(error.kind).toBe('unavailable');
    expect(error.params).toEqual({ reason: 'unreachable' });
  });

  it('gives up after the timeout', async () => {
    const { url, server } = await serve(() => undefined); // never answers
    servers.push(server);
    const started = Date.now();
    const error = await failure(client(url).status('abc', 'gelsenkirchen'));
    expect(error.params).toEqual({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    server.closeAllConnections();
  });

  it('treats refusals and unusable answers as unavailable, and sends the XBezahldienste request', async () => {
    const seen: { method?: string; url?: string; body: string }[] = [];
    const { url, server } = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body });
        if (req.method === 'POST') res.writeHead(500).end('{}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"paymentInformation":{}}');
      });
    });
    servers.push(server);
    expect((await failure(client(url).create(input))).code).toBe(PaymentsErrorCode.ProviderUnavailable);
    expect((await failure(client(url).status('abc', 'gelsenkirchen'))).code).toBe(
      PaymentsErrorCode.ProviderUnavailable,
    );
    expect(seen[0].url).toBe('/xbd/paymenttransaction/openrathaus/gelsenkirchen');
    expect(JSON.parse(seen[0].body)).toMatchObject({
      currency: 'EUR',
      grosAmount: 30.7,
      purpose: 'RE-2026-000123 Bewohnerpark',
      redirectUrl: input.returnUrl,
      items: [{ reference: 'RE-2026-000123', totalNetAmount: 30.7 }],
    });
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/xbd/paymenttransaction/openrathaus/gelsenkirchen/abc' });
  });

  it('refuses bad input before calling anyone, naming the fields', async () => {
    const error = await failure(
      client('http://127.0.0.1:9/').create({
        ...input,
        amountCents: 0,
        purpose: 'Gebühr für den Ausweis',
        returnUrl: 'javascript:x',
      }),
    );
    expect(error.fields.map((f) => f.field)).toEqual(['amountCents', 'purpose', 'returnUrl']);
  });

  it('has no sandbox when the configuration switches it off (production without PAYMENT_SANDBOX)', async () => {
    expect((await failure(client(undefined, 'production').create(input))).code).toBe(PaymentsErrorCode.NotConfigured);
  });
});
