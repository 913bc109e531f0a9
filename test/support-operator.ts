import { send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv } from './support';
import { STAFF_PASSWORD, totpCode } from './support-staff';

/** The console's host in development and tests. */
export const OPERATOR_HOST = 'operator.localhost';

/** An operator logged in through the console's API, ready to work. */
export interface OperatorLogin {
  email: string;
  password: string;
  /** `or_operator=<id>`: logged in completely (password and TOTP). */
  cookie: string;
  secret: string;
}

const operatorCookieOf = (headers: Record<string, string | string[] | undefined>): string =>
  /or_operator=[^;]+/.exec(String(headers['set-cookie'] ?? ''))?.[0] ?? '';

/**
 * Creates an operator with the command line and takes the account through its first login, as
 * the person would: the one-time password replaced, an authenticator app enrolled.
 */
export async function operatorSession(
  portal: Pick<TestPortal, 'port'>,
  env: NodeJS.ProcessEnv,
  email: string,
): Promise<OperatorLogin> {
  const added = await cli(['staff', 'add', '--role', 'operator', '--email', email], env);
  if (added.code !== 0) throw new Error(`staff add failed: ${added.err}`);
  const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
  const call = (path: string, body: unknown, cookie = '') =>
    send(portal.port, 'POST', path, OPERATOR_HOST, body, cookie ? { cookie } : {});
  const login = await call('/api/v1/operator/login', { email, password: oneTime });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
  let cookie = operatorCookieOf(login.headers);
  const changed = await call('/api/v1/operator/password', { password: oneTime, newPassword: STAFF_PASSWORD }, cookie);
  if (changed.status !== 204) throw new Error(`password change failed: ${changed.status} ${changed.body}`);
  const started = await call('/api/v1/operator/totp', {}, cookie);
  if (started.status !== 200) throw new Error(`enrolment failed: ${started.status} ${started.body}`);
  const secret = (JSON.parse(started.body) as { secret: string }).secret;
  const confirmed = await call('/api/v1/operator/totp/confirm', { code: totpCode(secret) }, cookie);
  if (confirmed.status !== 200) throw new Error(`confirmation failed: ${confirmed.status} ${confirmed.body}`);
  cookie = operatorCookieOf(confirmed.headers);
  return { email, password: STAFF_PASSWORD, cookie, secret };
}

/** An operator created on a test portal's database. */
export const portalOperator = (portal: TestPortal, email: string) => operatorSession(portal, cliEnv(portal), email);
