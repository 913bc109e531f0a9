import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@openrathaus/core';

/** Whether a request names the operator console's host (`OPERATOR_HOST`, `operator.localhost` in development). */
export function isOperatorHost(host: string | undefined, config: AppConfig): boolean {
  const wanted = config.operations.host;
  if (!wanted || !host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === wanted;
}

/** Paths the console answers on its host; anything else there is 404. */
export const OPERATOR_PATHS = /^\/(konsole(\/|$|\?)|api\/v1\/operator(\/|$|\?)|assets\/|health$|favicon\.ico$)/;

/** The console's start page, where `/` on its host leads. */
export const OPERATOR_HOME = '/konsole';

export const isOperatorRequest = (request: FastifyRequest, config: AppConfig): boolean =>
  isOperatorHost(request.host, config);
