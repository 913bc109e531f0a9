import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import { argon2id, hash, verify } from 'argon2';
import { TenantTransactions } from '@openrathaus/database';
import { SESSION_STORE, SessionData, SessionStore } from '@openrathaus/jobs';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { STAFF_ROLES, StaffAccountEntity, StaffRole } from './staff-account.entity';

/** A logged-in member of staff, as a request sees it. */
export interface StaffSession {
  staffId: string;
  tenantId: string;
  email: string;
  role: StaffRole;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SESSION_HOURS = 8;
const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;
// A hash to verify against when the account does not exist, so that both cases take as long.
const DUMMY_HASH = hash('not a password', { type: argon2id });

/**
 * Staff accounts: created by the operator with a one-time password, logged in with argon2id
 * checks, throttled (five failures lock the account for a quarter of an hour), sessions kept in
 * the shared session store and bound to the tenant they were opened on.
 */
@Injectable()
export class StaffAccounts {
  private readonly sessionGet: (id: string) => Promise<SessionData | null | undefined>;
  private readonly sessionSet: (id: string, data: SessionData) => Promise<void>;
  private readonly sessionDestroy: (id: string) => Promise<void>;

  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(SESSION_STORE) store: SessionStore,
  ) {
    this.sessionGet = promisify(store.get.bind(store));
    this.sessionSet = promisify(store.set.bind(store));
    this.sessionDestroy = promisify(store.destroy.bind(store));
  }

  /** Creates an account and returns its one-time password (shown once, never stored in clear). */
  async add(tenantId: string, email: string, role: string): Promise<{ id: string; password: string }> {
    const address = email.trim().toLowerCase();
    const faults = [
      ...(EMAIL.test(address) ? [] : [{ field: 'email', key: 'email' }]),
      ...(STAFF_ROLES.includes(role as StaffRole)
        ? []
        : [{ field: 'role', key: 'one_of', params: { allowed: STAFF_ROLES.join(', ') } }]),
    ];
    if (faults.length) throw new IdentityError(IdentityErrorCode.InvalidInput, {}, faults);
    const password = randomBytes(12).toString('base64url');
    const passwordHash = await hash(password, { type: argon2id });
    return this.transactions.run(tenantId, async (scope) => {
      if (await scope.count(StaffAccountEntity, { email: address })) {
        throw new IdentityError(IdentityErrorCode.EmailTaken, {}, [{ field: 'email', key: 'taken' }]);
      }
      const account = await scope.insert(StaffAccountEntity, {
        email: address,
        role: role as StaffRole,
        passwordHash,
        mustChangePassword: true,
        failedLogins: 0,
        lockedUntil: null,
        lastLoginAt: null,
      });
      return { id: account.id, password };
    });
  }

  /** Checks the password and opens a session; returns its id. */
  async login(
    tenantId: string,
    email: unknown,
    password: unknown,
  ): Promise<{ sessionId: string; session: StaffSession }> {
    const faults = [
      ...(typeof email === 'string' && email ? [] : [{ field: 'email', key: 'required' }]),
      ...(typeof password === 'string' && password ? [] : [{ field: 'password', key: 'required' }]),
    ];
    if (faults.length) throw new IdentityError(IdentityErrorCode.InvalidInput, {}, faults);
    const address = (email as string).trim().toLowerCase();
    const account = await this.transactions.run(tenantId, (scope) =>
      scope.findOne(StaffAccountEntity, { email: address }),
    );
    if (!account) {
      await verify(await DUMMY_HASH, password as string);
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    if (account.lockedUntil && account.lockedUntil > new Date()) throw new IdentityError(IdentityErrorCode.Locked);
    const ok = await verify(account.passwordHash, password as string);
    await this.transactions.run(tenantId, (scope) =>
      ok
        ? scope.query(
            `update public.staff_accounts set failed_logins = 0, locked_until = null, last_login_at = now() where id = $1`,
            [account.id],
          )
        : scope.query(
            `update public.staff_accounts set failed_logins = failed_logins + 1,
                    locked_until = case when failed_logins + 1 >= $2 then now() + make_interval(mins => $3) end
              where id = $1`,
            [account.id, MAX_FAILURES, LOCK_MINUTES],
          ),
    );
    if (!ok) throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    const session: StaffSession = { staffId: account.id, tenantId, email: account.email, role: account.role };
    const sessionId = randomBytes(32).toString('base64url');
    await this.sessionSet(`staff:${sessionId}`, {
      ...session,
      cookie: { originalMaxAge: SESSION_HOURS * 3600 * 1000 },
    });
    return { sessionId, session };
  }

  /** The session behind a cookie, only on the tenant it was opened on. */
  async session(tenantId: string, sessionId: string | undefined): Promise<StaffSession | undefined> {
    if (!sessionId || !/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return undefined;
    const data = (await this.sessionGet(`staff:${sessionId}`)) as (StaffSession & SessionData) | null | undefined;
    if (!data || data.tenantId !== tenantId) return undefined;
    return { staffId: data.staffId, tenantId: data.tenantId, email: data.email, role: data.role };
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessionDestroy(`staff:${sessionId}`);
  }

  /** The session, or an error when there is none or its role is not among `roles`. */
  async require(tenantId: string, sessionId: string | undefined, roles: StaffRole[]): Promise<StaffSession> {
    const session = await this.session(tenantId, sessionId);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    if (!roles.includes(session.role))
      throw new IdentityError(IdentityErrorCode.Forbidden, { roles: roles.join(', ') });
    return session;
  }
}
