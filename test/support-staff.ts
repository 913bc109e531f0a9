import { send } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv } from './support';

/** A member of staff logged in through the back office, ready to work. */
export interface StaffLogin {
  email: string;
  /** The password after the one-time password was replaced. */
  password: string;
  /** `or_staff=<id>`, to send as the `cookie` header. */
  cookie: string;
}

export const STAFF_PASSWORD = 'ein sicheres Passwort';

/**
 * Creates a member of staff with the command line (as an operator does for the first account) and
 * takes the account through its first login on the tenant's host, as the person would.
 */
export async function staffSession(
  portal: TestPortal,
  tenant: string,
  email: string,
  role: 'caseworker' | 'tenant-admin' | 'operator',
  offices: string[] = [],
): Promise<StaffLogin> {
  const args = ['staff', 'add', '--tenant', tenant, '--email', email, '--role', role];
  for (const office of offices) args.push('--office', office);
  const added = await cli(args, cliEnv(portal));
  if (added.code !== 0) throw new Error(`staff add failed: ${added.err}`);
  const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
  const host = `${tenant}.localhost`;
  const login = await send(portal.port, 'POST', '/api/v1/backoffice/login', host, { email, password: oneTime });
  const cookie = /or_staff=[^;]+/.exec(String(login.headers['set-cookie'] ?? ''))?.[0] ?? '';
  const changed = await send(
    portal.port,
    'POST',
    '/api/v1/backoffice/password',
    host,
    { password: oneTime, newPassword: STAFF_PASSWORD },
    { cookie },
  );
  if (changed.status !== 204) throw new Error(`password change failed: ${changed.status} ${changed.body}`);
  return { email, password: STAFF_PASSWORD, cookie };
}
