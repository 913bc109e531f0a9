import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import type { PassportResponse } from './passport-response.adapter';

export const OIDC_STEP_UP = 'oidc-step-up';

/** The provider's strategy and the response adapter one step-up request runs with. */
export interface StepUpRun {
  provider: passport.Strategy;
  response: PassportResponse;
}

// Passport keeps one strategy per name for the whole process, while each portal (tests run several
// in one process) has its own provider: the guard lends its portal's strategy through the request,
// as the password guards lend their accounts (login-services.ts).
const byRequest = new WeakMap<object, StepUpRun>();

export const lendStepUpRun = (request: FastifyRequest, run: StepUpRun): void => {
  byRequest.set(request.raw, run);
};

export const stepUpRunOf = (request: FastifyRequest): StepUpRun | undefined => byRequest.get(request.raw);

type PassportRequest = Parameters<passport.Strategy['authenticate']>[0];
type Created = passport.StrategyCreated<passport.Strategy>;

/**
 * The OpenID Connect step-up under its Passport name: runs the portal's openid-client strategy
 * with the success, failure and redirect Passport gave this request.
 */
class OidcStepUpStrategy extends passport.Strategy {
  override name = OIDC_STEP_UP;

  override authenticate(this: passport.StrategyCreated<this>, request: PassportRequest, options?: object): void {
    const run = stepUpRunOf(request as unknown as FastifyRequest);
    if (!run) return this.error(new Error('the step-up strategy ran without its guard'));
    const { success, fail, redirect, pass, error } = this;
    const delegate = Object.assign(Object.create(run.provider) as Created, { success, fail, redirect, pass, error });
    delegate.authenticate(request, options);
  }
}

let registered = false;

/**
 * Registers the step-up with Passport, at the first use: openid-client is ESM only and loaded
 * lazily, so there is no strategy class to register when Nest builds the providers.
 */
export function registerStepUpStrategy(): void {
  if (registered) return;
  passport.use(OIDC_STEP_UP, new OidcStepUpStrategy());
  registered = true;
}
