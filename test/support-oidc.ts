import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importEsm } from '@openrathaus/core';

/** An OpenID Connect provider for tests: oidc-provider on a random port, logins done without a person. */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The acr the next login answers with; by default the first of the `acr_values` asked for. */
  acr?: string;
  /** The person who logs in (the subject); `citizen-4711` unless a test sets another. */
  subject?: string;
  /** Creates the provider with its client; the callback URLs are known only once the portal listens. */
  register(redirectUris: string[]): Promise<void>;
  /**
   * Plays the browser at the provider: follows the authorization request through the login
   * interaction (completed programmatically) and answers the URL the provider sends back to.
   */
  authorize(url: string): Promise<string>;
  stop(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The acr values the provider says it supports (those the portal asks for). */
const ACR_VALUES = [
  'http://eidas.europa.eu/LoA/low',
  'http://eidas.europa.eu/LoA/substantial',
  'http://eidas.europa.eu/LoA/high',
];

export async function startTestOidcProvider(): Promise<TestOidcProvider> {
  let handler: Handler = (_req, res) => {
    res.statusCode = 503;
    res.end('provider not registered yet');
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'openrathaus-test';
  const clientSecret = randomBytes(24).toString('base64url');

  const provider: TestOidcProvider = {
    issuer,
    clientId,
    clientSecret,
    async register(redirectUris) {
      // oidc-provider is ECMAScript-only: a real dynamic import.
      const { default: Provider } = await importEsm<{ default: any }>('oidc-provider'); // eslint-disable-line @typescript-eslint/no-explicit-any
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };
      const oidc = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: redirectUris,
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        jwks: { keys: [jwk] },
        cookies: { keys: [randomBytes(16).toString('hex')] },
        acrValues: ACR_VALUES,
        features: { devInteractions: { enabled: false } },
        ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
        interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
        // Every subject exists; it has no claims beyond sub (the acr comes from the login).
        findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
      });
      const callback = oidc.callback() as Handler;
      handler = (req, res) => {
        if (req.url?.startsWith('/interaction/')) {
          // The login and consent a person would give, given at once: the account logs in at the
          // level asked for (or the one the test set), and the client gets the scopes it asked for.
          void (async () => {
            const details = await oidc.interactionDetails(req, res);
            const accountId = provider.subject ?? 'citizen-4711';
            const asked = String(details.params.acr_values ?? '').split(' ')[0];
            const grant = new oidc.Grant({ accountId, clientId: details.params.client_id });
            grant.addOIDCScope(String(details.params.scope ?? 'openid'));
            const grantId = await grant.save();
            await oidc.interactionFinished(
              req,
              res,
              { login: { accountId, acr: provider.acr ?? asked }, consent: { grantId } },
              { mergeWithLastSubmission: false },
            );
          })().catch((error: unknown) => {
            res.statusCode = 500;
            res.end(String(error));
          });
          return;
        }
        callback(req, res);
      };
    },
    async authorize(url) {
      const jar = new Map<string, string>();
      let next = new URL(url);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== issuer) return next.toString();
        const response = await plainGet(next, [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
        for (const line of response.cookies) {
          const [pair] = line.split(';');
          const at = pair.indexOf('=');
          jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
        }
        if (!response.location)
          throw new Error(`provider stopped at ${next.pathname}: ${response.status} ${response.body}`);
        next = new URL(response.location, next);
      }
      throw new Error('too many redirects at the provider');
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return provider;
}

function plainGet(url: URL, cookie: string) {
  return new Promise<{ status: number; location?: string; cookies: string[]; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: cookie ? { cookie } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          cookies: res.headers['set-cookie'] ?? [],
          body: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/<style>[\s\S]*<\/style>/, '')
            .slice(0, 1500),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
