import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TenantTransactions } from '@openrathaus/database';
import { MIN_PASSWORD, checkAll, checkCredentials, checkEmail, checkPassword } from './account-input';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { PasswordHasher } from './password-hash';
import { SESSION_STORE, SessionData, SessionStore, isSessionId } from './session-store.port';
import { STAFF_ROLES, StaffRole } from './staff-account.entity';
import { StaffAccountsRepository } from './staff-accounts.repository';

/** A logged-in member of staff, as a request sees it. */
export interface StaffSession {
  staffId: string;
  tenantId: string;
  email: string;
  role: StaffRole;
  /** Logged in with the one-time password: nothing is allowed until it is changed. */
  mustChangePassword: boolean;
}

const SESSION_HOURS = 8;

/**
 * Staff accounts: created by the operator with a one-time password, logged in with argon2id
 * checks, throttled (five failures lock the account for a quarter of an hour), sessions kept in
 * the shared session store and bound to the tenant they were opened on.
 */
@Injectable()
export class StaffAccounts {
  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly passwords: PasswordHasher,
    private readonly accounts: StaffAccountsRepository,
  ) {}

  /** Creates an account and returns its one-time password (shown once, never stored in clear). */
  async add(tenantId: string, email: string, role: string): Promise<{ id: string; password: string }> {
    const [address] = checkAll<[string, string]>(
      () => checkEmail(email),
      () => {
        if (STAFF_ROLES.includes(role as StaffRole)) return role;
        throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
          { field: 'role', key: 'one_of', params: { allowed: STAFF_ROLES.join(', ') } },
        ]);
      },
    );
    const password = randomBytes(12).toString('base64url');
    const passwordHash = await this.passwords.hash(password);
    return this.transactions.run(tenantId, async (scope) => {
      if (await this.accounts.emailTaken(scope, address)) {
        throw new IdentityError(IdentityErrorCode.EmailTaken, {}, [{ field: 'email', key: 'taken' }]);
      }
      const account = await this.accounts.add(scope, { email: address, role: role as StaffRole, passwordHash });
      return { id: account.id, password };
    });
  }

  /**
   * Checks the password and opens a session; returns its id. Every attempt is counted before the
   * password is checked, in one statement, so that parallel guesses cannot pass the limit; a locked
   * account answers exactly as a wrong password does, and so does an unknown one.
   */
  async login(
    tenantId: string,
    email: unknown,
    password: unknown,
  ): Promise<{ sessionId: string; session: StaffSession }> {
    const [address, secret] = checkCredentials(email, password);
    const account = await this.transactions.run(tenantId, (scope) => this.accounts.byEmail(scope, address));
    const reserved =
      account && (await this.transactions.run(tenantId, (scope) => this.accounts.reserveAttempt(scope, account.id)));
    if (!account || !reserved) {
      await this.passwords.verifyNothing(secret);
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    if (!(await this.passwords.verify(account.passwordHash, secret)))
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    await this.transactions.run(tenantId, (scope) => this.accounts.recordLogin(scope, account.id));
    const session: StaffSession = {
      staffId: account.id,
      tenantId,
      email: account.email,
      role: account.role,
      mustChangePassword: account.mustChangePassword,
    };
    const sessionId = randomBytes(32).toString('base64url');
    await this.sessions.set(`staff:${sessionId}`, { ...session }, SESSION_HOURS * 3600);
    return { sessionId, session };
  }

  /** Replaces the password (the one-time password first of all) and keeps the session going. */
  async changePassword(
    tenantId: string,
    sessionId: string | undefined,
    current: unknown,
    next: unknown,
  ): Promise<void> {
    const session = await this.session(tenantId, sessionId);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    const now = checkPassword(current, 'password');
    const fresh = checkPassword(next, 'newPassword');
    if (fresh.length < MIN_PASSWORD || fresh === now) {
      throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
        { field: 'newPassword', key: 'password_rules', params: { min: MIN_PASSWORD } },
      ]);
    }
    const account = await this.transactions.run(tenantId, (scope) => this.accounts.byId(scope, session.staffId));
    if (!account || !(await this.passwords.verify(account.passwordHash, now)))
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    const passwordHash = await this.passwords.hash(fresh);
    await this.transactions.run(tenantId, (scope) => this.accounts.changePassword(scope, account.id, passwordHash));
    await this.sessions.set(`staff:${sessionId}`, { ...session, mustChangePassword: false }, SESSION_HOURS * 3600);
  }

  /** The session behind a cookie, only on the tenant it was opened on. */
  async session(tenantId: string, sessionId: string | undefined): Promise<StaffSession | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    const data = (await this.sessions.get(`staff:${sessionId}`)) as (StaffSession & SessionData) | undefined;
    if (!data || data.tenantId !== tenantId) return undefined;
    return {
      staffId: data.staffId,
      tenantId: data.tenantId,
      email: data.email,
      role: data.role,
      mustChangePassword: data.mustChangePassword === true,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.destroy(`staff:${sessionId}`);
  }

  /** The session, or an error when there is none or its role is not among `roles`. */
  async require(tenantId: string, sessionId: string | undefined, roles: StaffRole[]): Promise<StaffSession> {
    const session = await this.session(tenantId, sessionId);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    // The one-time password printed by the command line opens nothing but the change of itself.
    if (session.mustChangePassword) throw new IdentityError(IdentityErrorCode.PasswordChangeRequired);
    if (!roles.includes(session.role))
      throw new IdentityError(IdentityErrorCode.Forbidden, { roles: roles.join(', ') });
    return session;
  }
}
