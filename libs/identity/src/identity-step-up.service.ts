import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import passport from 'passport';
import type * as OidcClient from 'openid-client';
import { APP_CONFIG, AppConfig, importEsm } from '@openrathaus/core';
import { CitizenAccounts } from './citizen-accounts.service';
import { CitizenSession, CitizenSessions } from './citizen-sessions.service';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { TrustLevel, isTrustLevel, trustLevelOfAcr } from './trust-level';

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

/** The claims of the ID token the step-up's strategy answers with. */
export interface StepUpClaims {
  sub?: unknown;
  acr?: unknown;
}

/**
 * A step-up under way: `session` is what openid-client's strategy reads and writes as
 * `request.session` (state, nonce and PKCE verifier), kept in the citizen's server-side session.
 */
export class StepUpFlow {
  /** The `request.session` of the strategy. */
  readonly session: Record<string, unknown>;

  constructor(
    kept: unknown,
    /** The level asked for, once the flow was kept. */
    readonly level?: TrustLevel,
    /** Where to go afterwards, once the flow was kept. */
    readonly next?: string,
  ) {
    this.session = kept ? { [SESSION_KEY]: kept } : {};
  }

  /** What the strategy left in its session when it redirected to the provider. */
  get kept(): unknown {
    return this.session[SESSION_KEY];
  }
}

/**
 * The part of `openid-client/passport` used here. Its own types sit behind the package's `exports`,
 * which this build's module resolution (`node`) does not read; naming them would mean importing
 * from the package's build folder.
 */
interface OidcPassport {
  Strategy: new (
    options: { config: OidcClient.Configuration; scope: string; name: string; sessionKey: string },
    verify: (
      tokens: { claims(): StepUpClaims | undefined },
      verified: (error: unknown, user: StepUpClaims) => void,
    ) => void,
  ) => passport.Strategy & {
    authorizationRequestParams(req: unknown, options: object): URLSearchParams | Record<string, string> | undefined;
  };
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
  private provider?: Promise<passport.Strategy>;

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
   * The provider's Passport strategy (openid-client's, asking for the level in `acrValues` and
   * always sending state and nonce), discovered at the first call and again after a failure.
   */
  strategy(): Promise<passport.Strategy> {
    if (!this.configured) return Promise.reject(new IdentityError(IdentityErrorCode.NoIdentityProvider));
    this.provider ??= this.discover().catch((error: unknown) => {
      this.provider = undefined;
      this.logger.error({ err: error }, 'identity provider not reachable');
      throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
    });
    return this.provider;
  }

  /** A new flow for a start, before the strategy fills its session. */
  newFlow(): StepUpFlow {
    return new StepUpFlow(undefined);
  }

  /** Keeps a started flow (what the strategy left in its session) with the level and the way back. */
  async keepFlow(
    session: CitizenSession,
    flow: StepUpFlow,
    options: { level: TrustLevel; next: string },
  ): Promise<void> {
    if (!flow.kept) throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
    await this.sessions.saveFlow(session.sessionId, {
      [SESSION_KEY]: flow.kept,
      level: options.level,
      next: options.next,
    });
  }

  /**
   * Takes the flow under way out of the session for the return from the provider: it serves once,
   * so a replayed return finds none, even before the code is exchanged.
   */
  async takeFlow(session: CitizenSession): Promise<StepUpFlow> {
    const flow = await this.sessions.takeFlow(session.sessionId);
    const level = isTrustLevel(flow?.level) ? flow.level : undefined;
    const next = typeof flow?.next === 'string' ? flow.next : undefined;
    return new StepUpFlow(flow?.[SESSION_KEY], level, next);
  }

  /**
   * Completes the step-up once the strategy has exchanged the code and checked state, nonce and
   * PKCE: binds the proven identity to the account and re-issues the session at the level of the
   * `acr` claim.
   */
  async complete(session: CitizenSession, flow: StepUpFlow, claims: StepUpClaims): Promise<StepUpResult> {
    if (!flow.level || flow.next === undefined) throw new IdentityError(IdentityErrorCode.StepUpFailed);
    const level = trustLevelOfAcr(claims.acr);
    const subject = claims.sub;
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

  private async discover(): Promise<passport.Strategy> {
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

    return new StepUpStrategy(
      { config: configuration, scope: 'openid', name: STRATEGY, sessionKey: SESSION_KEY },
      (tokens, verified) => {
        const claims = tokens.claims();
        verified(null, { sub: claims?.sub, acr: claims?.acr });
      },
    );
  }
}
