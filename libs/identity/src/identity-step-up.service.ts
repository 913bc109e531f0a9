import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import passport from 'passport';
import type * as OidcClient from 'openid-client';
import { APP_CONFIG, AppConfig, importEsm } from '@openrathaus/core';
import { CitizenAccounts } from './citizen-accounts.service';
import { CitizenSession, CitizenSessions } from './citizen-sessions.service';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { TrustLevel, acrValuesFor, isTrustLevel, trustLevelOfAcr } from './trust-level';

const STRATEGY = 'oidc-step-up';
/** Where the strategy keeps state, nonce and PKCE verifier in the (adapted) session. */
const SESSION_KEY = 'oidc';

/** What a step-up ended with. */
export interface StepUpResult {
  /** The session's new id (the level is raised under a new id, as after a login). */
  sessionId: string;
  /** The level the provider confirmed (may be below the one asked for). */
  level: TrustLevel;
  requested: TrustLevel;
  /** The local path to return to, as given when the step-up started. */
  next: string;
}

/** How passport's authenticate ended: a redirect to the provider, or the callback's outcome. */
type Outcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; user: { sub?: unknown; acr?: unknown } }
  | { kind: 'fail'; info: unknown }
  | { kind: 'error'; error: unknown };

type Authenticator = InstanceType<typeof passport.Passport>;

/**
 * The part of `openid-client/passport` used here. Its own types sit behind the package's `exports`,
 * which this build's module resolution (`node`) does not read; naming them would mean importing
 * from the package's build folder.
 */
interface OidcPassport {
  Strategy: new (
    options: { config: OidcClient.Configuration; scope: string; name: string; sessionKey: string },
    verify: (
      tokens: { claims(): { sub?: unknown; acr?: unknown } | undefined },
      verified: (error: unknown, user: { sub?: unknown; acr?: unknown }) => void,
    ) => void,
  ) => passport.Strategy & {
    authorizationRequestParams(req: unknown, options: object): URLSearchParams | Record<string, string> | undefined;
  };
}

/**
 * The request and response Passport's middleware works on. Passport was written for Connect:
 * strategies read a few request fields (method, url, host, session) and answer a redirect by
 * setting a status and a header and ending the response. Those few things are given here, so the
 * strategies run unchanged under Fastify, and the answer stays with the controller.
 */
function connectPair(url: string, protocol: string, host: string, session: Record<string, unknown>) {
  const request = { method: 'GET', url, originalUrl: url, protocol, host, headers: { host }, query: {}, session };
  let settle: (outcome: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const headers: Record<string, string> = {};
  const response = {
    statusCode: 200,
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    end: () =>
      settle(headers.location ? { kind: 'redirect', url: headers.location } : { kind: 'fail', info: 'no redirect' }),
  };
  return { request, response, outcome, settle };
}

/**
 * Raises a citizen session's trust level with an OpenID Connect provider (BundID, an eID
 * service): authorization code flow with PKCE, state and nonce, `acr_values` for the level, run by
 * Passport with openid-client's strategy. The level the returned `acr` stands for holds for this
 * session only; the account keeps none.
 */
@Injectable()
export class IdentityStepUp {
  private readonly logger = new Logger('IdentityStepUp');
  private provider?: Promise<Authenticator>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: CitizenSessions,
    private readonly accounts: CitizenAccounts,
  ) {}

  /** Whether an identity provider is configured at all. */
  get configured(): boolean {
    return !!this.config.oidcIssuer && !!this.config.oidcClientId;
  }

  /**
   * Starts a step-up to `level` for the session; answers the provider's address to redirect to.
   * `callbackUrl` is this host's `/konto/identitaet/callback` (registered at the provider).
   */
  async start(
    session: CitizenSession,
    options: { level: TrustLevel; next: string; callbackUrl: string },
  ): Promise<string> {
    const authenticator = await this.load();
    const callback = new URL(options.callbackUrl);
    const state: Record<string, unknown> = {};
    const pair = connectPair('/konto/identitaet', callback.protocol.slice(0, -1), callback.host, state);
    const outcome = await this.run(authenticator, pair, {
      callbackURL: options.callbackUrl,
      acrValues: acrValuesFor(options.level),
    });
    if (outcome.kind !== 'redirect') {
      this.logger.error({ err: outcome.kind === 'error' ? outcome.error : outcome }, 'step-up could not start');
      throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
    }
    await this.sessions.saveFlow(session.sessionId, {
      [SESSION_KEY]: state[SESSION_KEY],
      level: options.level,
      next: options.next,
    });
    return outcome.url;
  }

  /**
   * Completes the step-up on the return from the provider (`currentUrl` with code, state, iss):
   * the state kept in the session is taken out (it serves once), the code exchanged, state, nonce
   * and PKCE checked, and the session re-issued at the level of the `acr` claim.
   */
  async finish(session: CitizenSession, currentUrl: URL, callbackUrl: string): Promise<StepUpResult> {
    const flow = await this.sessions.takeFlow(session.sessionId);
    const authenticator = await this.load();
    const path = currentUrl.pathname + currentUrl.search;
    const kept: Record<string, unknown> = flow?.[SESSION_KEY] ? { [SESSION_KEY]: flow[SESSION_KEY] } : {};
    const pair = connectPair(path, currentUrl.protocol.slice(0, -1), currentUrl.host, kept);
    const outcome = await this.run(authenticator, pair, { callbackURL: callbackUrl });
    if (outcome.kind !== 'success' || !flow || !isTrustLevel(flow.level) || typeof flow.next !== 'string') {
      const reason = outcome.kind === 'error' ? outcome.error : outcome.kind === 'fail' ? outcome.info : 'no flow';
      this.logger.warn({ err: reason }, 'step-up refused');
      throw new IdentityError(IdentityErrorCode.StepUpFailed);
    }
    const level = trustLevelOfAcr(outcome.user.acr);
    const subject = outcome.user.sub;
    if (typeof subject !== 'string' || !subject) throw new IdentityError(IdentityErrorCode.StepUpFailed);
    // The eID proves who the person is: the account takes that identity once and keeps it.
    const digest = createHash('sha256').update(`${this.config.oidcIssuer}\n${subject}`).digest('hex');
    if (!(await this.accounts.bindIdentity(session.realmId, session.citizenId, digest))) {
      this.logger.warn({ citizenId: session.citizenId }, 'step-up refused: another identity than the one bound');
      throw new IdentityError(IdentityErrorCode.OtherIdentity);
    }
    const sessionId = await this.sessions.raise(session, level);
    if (!sessionId) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    return { sessionId, level, requested: flow.level, next: flow.next };
  }

  private run(
    authenticator: Authenticator,
    pair: ReturnType<typeof connectPair>,
    options: Record<string, unknown>,
  ): Promise<Outcome> {
    const middleware = authenticator.authenticate(
      STRATEGY,
      { session: false, ...options },
      (error: unknown, user: unknown, info: unknown) => {
        if (error) pair.settle({ kind: 'error', error });
        else if (!user) pair.settle({ kind: 'fail', info });
        else pair.settle({ kind: 'success', user: user });
      },
    ) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
    middleware(pair.request, pair.response, (error) => pair.settle({ kind: 'error', error }));
    return pair.outcome;
  }

  /** Discovers the provider once (again after a failure) and sets Passport up with its strategy. */
  private load(): Promise<Authenticator> {
    if (!this.configured) throw new IdentityError(IdentityErrorCode.NoIdentityProvider);
    this.provider ??= this.discover().catch((error: unknown) => {
      this.provider = undefined;
      this.logger.error({ err: error }, 'identity provider not reachable');
      throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
    });
    return this.provider;
  }

  private async discover(): Promise<Authenticator> {
    const [client, { Strategy }] = await Promise.all([
      importEsm<typeof OidcClient>('openid-client'),
      importEsm<OidcPassport>('openid-client/passport'),
    ]);
    const issuer = new URL(this.config.oidcIssuer as string);
    // Plain http only for a provider in development and tests; production speaks TLS.
    const insecure = issuer.protocol === 'http:' && this.config.env !== 'production';
    const configuration = await client.discovery(
      issuer,
      this.config.oidcClientId as string,
      this.config.oidcClientSecret,
      undefined,
      { timeout: 10, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
    );

    /** openid-client's strategy, asking for the level and always sending state and nonce. */
    class StepUpStrategy extends Strategy {
      override authorizationRequestParams(req: unknown, options: object): URLSearchParams {
        const params = new URLSearchParams(super.authorizationRequestParams(req, options));
        const acrValues = (options as { acrValues?: unknown }).acrValues;
        if (typeof acrValues === 'string') params.set('acr_values', acrValues);
        // The strategy leaves state out where the provider does PKCE; we want both, and a nonce
        // that binds the ID token to this very request.
        params.set('state', client.randomState());
        params.set('nonce', client.randomNonce());
        return params;
      }
    }

    const strategy = new StepUpStrategy(
      { config: configuration, scope: 'openid', name: STRATEGY, sessionKey: SESSION_KEY },
      (tokens, verified) => {
        const claims = tokens.claims();
        verified(null, { sub: claims?.sub, acr: claims?.acr });
      },
    );
    const authenticator = new passport.Passport();
    authenticator.use(STRATEGY, strategy);
    return authenticator;
  }
}
