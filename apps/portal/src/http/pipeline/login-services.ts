import type { FastifyRequest } from 'fastify';
import type { CitizenAccounts, StaffAccounts } from '@openrathaus/identity';
import type { PageContext } from '../page-context.service';

/** The accounts a password login of one request is checked against. */
export interface LoginServices {
  citizens?: CitizenAccounts;
  staff?: StaffAccounts;
  pages?: PageContext;
}

// Passport keeps one strategy per name for the whole process, while each portal (tests run several
// in one process) has its own accounts: the guard, which belongs to the portal, hands its accounts
// to the strategy through the request.
const byRequest = new WeakMap<object, LoginServices>();

export const lendLoginServices = (request: FastifyRequest, services: LoginServices): void => {
  byRequest.set(request.raw, services);
};

export function loginServicesOf(request: FastifyRequest): LoginServices {
  const services = byRequest.get(request.raw);
  if (!services) throw new Error('a password strategy ran without its guard');
  return services;
}
