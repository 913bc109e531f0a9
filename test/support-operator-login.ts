import { send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv } from './support';
import { STAFF_PASSWORD, totpCode } from './support-staff';

export const OPERATOR_HOST = 'operator.localhost';

/** An operator logged in on the console's host: `or_operator=<id>` to send as the cookie header. */
export interface OperatorLogin {
  email: string;
  cookie: string;
  /** The session's `_csrf` for the console's HTML forms. */
  csrf?: string;
}

const operatorCookieOf = (headers: Record<string, string | string[] | undefined>): string =>
  /or_operator=[^;]+/.exec(String(headers['set-cookie'] ?? ''))?.[0] ?? '';

/**
 * Creates an operator with the command line (no tenant) and takes the account through its first
 * login on the operator host: the one-time password replaced, an authenticator enrolled.
 */
export async function operatorLogin(portal: TestPortal, email: string): Promise<OperatorLogin> {
  const added = await cli(['staff', 'add', '--email', email, '--role', 'operator'], cliEnv(portal));
  if (added.code !== 0) throw new Error(`staff add failed: ${added.err}`);
  const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
  const call = async (path: string, body: unknown, cookie?: string) => {
    const res = await send(portal.port, 'POST', path, OPERATOR_HOST, body, cookie ? { cookie } : {});
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.body}`);
    return res;
  };
  const login = await call('/api/v1/operator/login', { email, password: oneTime });
  let cookie = operatorCookieOf(login.headers);
  await call('/api/v1/operator/password', { password: oneTime, newPassword: STAFF_PASSWORD }, cookie);
  const started = await call('/api/v1/operator/totp', {}, cookie);
  const secret = new URL((JSON.parse(started.body) as { otpauthUri: string }).otpauthUri).searchParams.get('secret')!;
  const confirmed = await call('/api/v1/operator/totp/confirm', { code: totpCode(secret) }, cookie);
  cookie = operatorCookieOf(confirmed.headers) || cookie;
  return { email, cookie };
}
