import { ExecutionContext, Injectable, Logger, createParamDecorator } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import {
  CitizenSession,
  IdentityError,
  IdentityErrorCode,
  IdentityStepUp,
  StepUpClaims,
  StepUpFlow,
  TRUST_LEVELS,
  TrustLevel,
  acrValuesFor,
  isTrustLevel,
  meetsLevel,
} from '@openrathaus/identity';
import { CitizenAuth, localPath, requireTenant } from '../citizen-auth';
import { PassportResponse } from './passport-response.adapter';
import { lendStepUpRun, registerStepUpStrategy, stepUpRunOf } from './oidc-step-up.strategy';

/** What the start guard decided; the handler answers it. */
export type StepUpStart =
  | { kind: 'login'; level: TrustLevel; next: string }
  | { kind: 'met'; next: string }
  | { kind: 'none' }
  | { kind: 'provider'; url: string }
  | { kind: 'error'; error: unknown };

/** What the callback guard found; the handler completes the step-up or answers the refusal. */
export type StepUpReturn =
  | { kind: 'login' }
  | { kind: 'returned'; session: CitizenSession; flow: StepUpFlow; claims: StepUpClaims }
  | { kind: 'error'; error: unknown };

/** Where Passport leaves what a strategy answered, and the session openid-client's strategy keeps its state in. */
type StepUpRequest = FastifyRequest & { user?: unknown; session?: Record<string, unknown> };

const first = (value: unknown): unknown => (Array.isArray(value) ? (value as unknown[])[0] : value);

const callbackUrl = (request: FastifyRequest): string =>
  `${request.protocol}://${request.host}/konto/identitaet/callback`;

/** `?level=` of the start, refused unless one of the levels. */
function levelOf(request: FastifyRequest): TrustLevel {
  const level = first((request.query as Record<string, unknown> | undefined)?.level);
  if (!isTrustLevel(level)) {
    throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
      { field: 'level', key: 'one_of', params: { allowed: TRUST_LEVELS.join(', ') } },
    ]);
  }
  return level;
}

const logger = new Logger('IdentityStepUp');

/**
 * The start of a step-up (`GET /konto/identitaet?level=&next=`): the level, a login, a level
 * already met and a provider at all are decided before Passport runs; then openid-client's
 * strategy redirects to the provider and its state is kept in the citizen's session.
 */
@Injectable()
export class StepUpStartGuard extends AuthGuard('oidc-step-up') {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly stepUp: IdentityStepUp,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StepUpRequest>();
    request.user = await this.decide(context, request);
    return true;
  }

  override getAuthenticateOptions(context: ExecutionContext): object {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return { session: false, callbackURL: callbackUrl(request), acrValues: acrValuesFor(levelOf(request)) };
  }

  getResponse<T = PassportResponse>(context: ExecutionContext): T {
    return stepUpRunOf(context.switchToHttp().getRequest<FastifyRequest>())?.response as T;
  }

  private async decide(context: ExecutionContext, request: StepUpRequest): Promise<StepUpStart> {
    requireTenant(request);
    const level = levelOf(request);
    const next = localPath(first((request.query as Record<string, unknown> | undefined)?.next));
    const session = await this.auth.citizenOf(request);
    if (!session) return { kind: 'login', level, next };
    if (meetsLevel(session.trustLevel, level)) return { kind: 'met', next };
    if (!this.stepUp.configured) return { kind: 'none' };
    try {
      const provider = await this.stepUp.strategy();
      registerStepUpStrategy();
      const response = new PassportResponse();
      const flow = this.stepUp.newFlow();
      request.session = flow.session;
      lendStepUpRun(request, { provider, response });
      // A redirect ends the response and never comes back through Passport's callback.
      const ended = await Promise.race([
        response.ended,
        (super.canActivate(context) as Promise<boolean>).then(() => undefined),
      ]);
      const url = ended?.headers.location;
      if (!url) throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
      await this.stepUp.keepFlow(session, flow, { level, next });
      return { kind: 'provider', url };
    } catch (error) {
      return { kind: 'error', error };
    }
  }

  /** Reached only when the strategy did not redirect to the provider. */
  override handleRequest<T>(error: unknown, _user: T | false | undefined, info: unknown): T {
    logger.error({ err: error ?? info }, 'step-up could not start');
    throw new IdentityError(IdentityErrorCode.IdentityProviderUnavailable);
  }
}

/**
 * The return from the provider (`GET /konto/identitaet/callback`): the flow is taken out of the
 * session before the code is exchanged, so that it serves once; openid-client's strategy checks
 * state, nonce, issuer and PKCE.
 */
@Injectable()
export class StepUpCallbackGuard extends AuthGuard('oidc-step-up') {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly stepUp: IdentityStepUp,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StepUpRequest>();
    request.user = await this.decide(context, request);
    return true;
  }

  override getAuthenticateOptions(context: ExecutionContext): object {
    return { session: false, callbackURL: callbackUrl(context.switchToHttp().getRequest<FastifyRequest>()) };
  }

  getResponse<T = PassportResponse>(context: ExecutionContext): T {
    return stepUpRunOf(context.switchToHttp().getRequest<FastifyRequest>())?.response as T;
  }

  private async decide(context: ExecutionContext, request: StepUpRequest): Promise<StepUpReturn> {
    requireTenant(request);
    const session = await this.auth.citizenOf(request);
    if (!session) return { kind: 'login' };
    try {
      const flow = await this.stepUp.takeFlow(session);
      const provider = await this.stepUp.strategy();
      registerStepUpStrategy();
      const response = new PassportResponse();
      request.session = flow.session;
      lendStepUpRun(request, { provider, response });
      await Promise.race([
        super.canActivate(context),
        // Answering the return with another redirect is not a way back the strategy should take.
        response.ended.then(() => Promise.reject(new IdentityError(IdentityErrorCode.StepUpFailed))),
      ]);
      return { kind: 'returned', session, flow, claims: request.user as StepUpClaims };
    } catch (error) {
      return { kind: 'error', error };
    }
  }

  override handleRequest<T>(error: unknown, user: T | false | undefined, info: unknown): T {
    if (error || !user) {
      logger.warn({ err: error ?? info }, 'step-up refused');
      throw new IdentityError(IdentityErrorCode.StepUpFailed);
    }
    return user;
  }
}

/** What the step-up guard before the handler decided (Passport's `request.user`). */
export const StepUp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<StepUpRequest>().user,
);
