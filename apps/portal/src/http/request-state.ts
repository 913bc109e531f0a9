import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '@openrathaus/core';
import type { CitizenSession, StaffSession } from '@openrathaus/identity';
import type { OperatorSession } from '@openrathaus/operations';
import type { HostMatch, Tenant } from '@openrathaus/tenancy';

/** What the host hook found out about a request. */
export interface RequestState {
  context: RequestContext;
  match: NonNullable<HostMatch> | null;
  startedAt: number;
  /** The logged-in citizen, once a guard has found it. */
  citizen?: CitizenSession;
  /** The logged-in staff member, once a guard has found them. */
  staff?: StaffSession;
  /** The request came to the operator console's host. */
  operator?: boolean;
  /** The logged-in operator, once the operator guard has found them. */
  operatorSession?: OperatorSession;
}

const states = new WeakMap<FastifyRequest['raw'], RequestState>();

export const setState = (request: FastifyRequest, state: RequestState): void => {
  states.set(request.raw, state);
};

export const stateOf = (request: FastifyRequest): RequestState | undefined => states.get(request.raw);

/** The tenant of the request; undefined on the portal list (localhost) and on unknown hosts. */
export const tenantOf = (request: FastifyRequest): Tenant | undefined => {
  const match = stateOf(request)?.match;
  return match?.kind === 'tenant' ? match.tenant : undefined;
};
