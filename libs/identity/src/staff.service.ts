import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { MIN_PASSWORD, checkAll, checkCredentials, checkEmail, checkName, checkPassword } from './account-input';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { PasswordHasher } from './password-hash';
import { SESSION_STORE, SessionData, SessionStore, isSessionId } from './session-store.port';
import { STAFF_ROLES, StaffAccountEntity, StaffRole } from './staff-account.entity';
import { StaffAccountsRepository } from './staff-accounts.repository';
import {
  newRecoveryCodes,
  newTotpSecret,
  normalRecoveryCode,
  openTotpSecret,
  recoveryHash,
  sealTotpSecret,
  totpStep,
  totpUri,
} from './staff-totp';

/**
 * What a login still lacks before the session opens anything: the one-time password's change,
 * the enrolment of an authenticator app, or the code of the enrolled one.
 */
export type StaffLoginStep = 'change_password' | 'enrol_totp' | 'totp';

/** A logged-in member of staff, as a request sees it. */
export interface StaffSession {
  staffId: string;
  tenantId: string;
  email: string;
  name: string | null;
  role: StaffRole;
  /** The caseworker's offices; empty for tenant-admin and operator, who see all of them. */
  offices: string[];
  /** Logged in with the one-time password: nothing is allowed until it is changed. */
  mustChangePassword: boolean;
  /** The step still missing; null once password and second factor are done. */
  next: StaffLoginStep | null;
  /** The `_csrf` value of this session's HTML forms. */
  csrfToken: string;
}

/** A session just opened or renewed: its id is the `or_staff` cookie's value. */
export interface StaffLoginResult {
  sessionId: string;
  session: StaffSession;
}

/** One member of a tenant's staff, as the tenant admin's list and the "assign to" choice show it. */
export interface StaffMember {
  id: string;
  email: string;
  name: string | null;
  role: StaffRole;
  offices: string[];
  disabled: boolean;
}

/** How long a staff session lasts from its login at most, whatever happens in between. */
export const STAFF_SESSION_HOURS = 8;

/** What the session store keeps (under `staff:<id>`). */
interface StoredStaffSession {
  staffId: string;
  tenantId: string;
  generation: number;
  /** The second factor was proven in this session (a code at login, or the enrolment's first one). */
  totpPassed: boolean;
  csrfToken: string;
  startedAt: number;
  seenAt: number;
}

const key = (sessionId: string) => `staff:${sessionId}`;
const newId = () => randomBytes(32).toString('base64url');

/**
 * Staff accounts: created with a one-time password (command line, tenant admin), logged in with
 * argon2id checks and a mandatory TOTP second factor, throttled (five failures, of passwords or
 * codes, lock the account for a quarter of an hour). Sessions live in the shared session store,
 * bound to the tenant they were opened on, end after an idle time and eight hours at most, and
 * end at once when the account is disabled or its authenticator reset (a generation number).
 */
@Injectable()
export class StaffAccounts {
  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly passwords: PasswordHasher,
    private readonly accounts: StaffAccountsRepository,
    private readonly registry: TenantRegistry,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates an account and returns its one-time password (shown once, never stored in clear). A
   * caseworker needs at least one of the tenant's offices (`officeField` names the input in
   * faults); the other roles see every office and keep none. `actor` is the staff id of the tenant
   * admin who adds the account (none from the command line), for the audit log.
   */
  async add(
    tenantId: string,
    email: unknown,
    role: unknown,
    options: { name?: unknown; offices?: unknown; officeField?: string; actor?: string | null } = {},
  ): Promise<{ id: string; password: string }> {
    const [address, staffRole, name, offices] = checkAll<[string, StaffRole, string | null, string[]]>(
      () => checkEmail(email),
      () => checkRole(role),
      () =>
        options.name === undefined || options.name === null || options.name === '' ? null : checkName(options.name),
      () => this.checkOffices(tenantId, role, options.offices, options.officeField ?? 'offices'),
    );
    const password = randomBytes(12).toString('base64url');
    const passwordHash = await this.passwords.hash(password);
    return this.transactions.run(tenantId, async (scope) => {
      if (await this.accounts.emailTaken(scope, address)) {
        throw new IdentityError(IdentityErrorCode.EmailTaken, {}, [{ field: 'email', key: 'taken' }]);
      }
      const account = await this.accounts.add(scope, { email: address, role: staffRole, passwordHash, name, offices });
      await this.audit.record(scope, {
        action: 'staff.added',
        actor: options.actor ?? null,
        subject: account.id,
        data: { email: address, role: staffRole, offices },
      });
      return { id: account.id, password };
    });
  }

  /**
   * Checks the password and opens a session; with `code` (a TOTP or recovery code) an enrolled
   * account is logged in completely in one go, without it the session waits for the code
   * ({@link verifyCode}). Every attempt is counted before the password is checked, in one
   * statement, so that parallel guesses cannot pass the limit; a locked or disabled account answers
   * exactly as a wrong password does, and so does an unknown one.
   */
  async login(tenantId: string, email: unknown, password: unknown, code?: unknown): Promise<StaffLoginResult> {
    const [address, secret] = checkCredentials(email, password);
    const typed = code === undefined || code === null || code === '' ? undefined : checkCode(code);
    const account = await this.transactions.run(tenantId, (scope) => this.accounts.byEmail(scope, address));
    const reserved =
      account &&
      !account.disabledAt &&
      (await this.transactions.run(tenantId, (scope) => this.accounts.reserveAttempt(scope, account.id)));
    if (!account || !reserved) {
      await this.passwords.verifyNothing(secret);
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    const check = await this.passwords.verifyAndRenew(account.passwordHash, secret);
    if (!check.ok) throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    // Hashed with parameters of before: stored anew with today's, unless the password changed meanwhile.
    if (check.renewed) {
      const renewed = check.renewed;
      await this.transactions.run(tenantId, (scope) =>
        this.accounts.renewHash(scope, account.id, account.passwordHash, renewed),
      );
    }
    let totpPassed = false;
    if (account.totpEnrolledAt && !account.mustChangePassword) {
      if (typed === undefined) {
        // The code comes in a second request; until then only failures count.
        await this.transactions.run(tenantId, (scope) => this.accounts.giveBackAttempt(scope, account.id));
        return this.open(tenantId, account, false);
      }
      await this.checkSecondFactor(tenantId, account, typed);
      totpPassed = true;
    }
    await this.transactions.run(tenantId, (scope) => this.accounts.recordLogin(scope, account.id));
    return this.open(tenantId, account, totpPassed);
  }

  /**
   * The second step of a login: the code of the authenticator app (or a recovery code, once) for
   * a session whose password was right. Counts toward the account's lock like a password; a code
   * of a time step used before is refused. Returns the session under a new id.
   */
  async verifyCode(tenantId: string, sessionId: string | undefined, code: unknown): Promise<StaffLoginResult> {
    const current = await this.current(tenantId, sessionId);
    if (!current) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    const { stored, account, session } = current;
    if (session.next === null) return { sessionId: sessionId!, session };
    if (session.next !== 'totp') throw stepError(session.next);
    const typed = checkCode(code);
    const reserved = await this.transactions.run(tenantId, (scope) => this.accounts.reserveAttempt(scope, account.id));
    if (!reserved) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    await this.checkSecondFactor(tenantId, account, typed);
    await this.transactions.run(tenantId, (scope) => this.accounts.recordLogin(scope, account.id));
    return this.renew(sessionId!, stored, account, true);
  }

  /** Replaces the password (the one-time password first of all) and keeps the session going. */
  async changePassword(
    tenantId: string,
    sessionId: string | undefined,
    current: unknown,
    next: unknown,
  ): Promise<StaffSession> {
    const found = await this.current(tenantId, sessionId);
    if (!found) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    // A password alone (a session waiting for its code) must not lock the owner out with a new one.
    if (found.session.next !== 'change_password' && found.session.next !== null) throw stepError(found.session.next);
    const [now, fresh] = checkAll<[string, string]>(
      () => checkPassword(current, 'password'),
      () => checkPassword(next, 'newPassword'),
    );
    if (fresh.length < MIN_PASSWORD || fresh === now) {
      throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
        { field: 'newPassword', key: 'password_rules', params: { min: MIN_PASSWORD } },
      ]);
    }
    const { account } = found;
    if (!(await this.passwords.verify(account.passwordHash, now)))
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    const passwordHash = await this.passwords.hash(fresh);
    await this.transactions.run(tenantId, (scope) => this.accounts.changePassword(scope, account.id, passwordHash));
    return this.view({ ...account, mustChangePassword: false }, found.stored);
  }

  /**
   * Starts the enrolment of an authenticator app: a new secret (the same one again until it is
   * confirmed), sealed in the account, and the `otpauth://` URI with it. Only while the account has
   * none: a confirmed secret is never shown again.
   */
  async startTotpEnrolment(
    tenantId: string,
    sessionId: string | undefined,
  ): Promise<{ secret: string; otpauthUri: string }> {
    const found = await this.current(tenantId, sessionId);
    if (!found) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    const { account, session } = found;
    if (session.next !== 'enrol_totp') {
      if (session.next === 'change_password') throw stepError(session.next);
      throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    let secret = account.totpSecret ? openTotpSecret(this.config.secret, account.id, account.totpSecret) : undefined;
    if (!secret) {
      secret = newTotpSecret();
      const sealed = sealTotpSecret(this.config.secret, account.id, secret);
      const started = await this.transactions.run(tenantId, (scope) =>
        this.accounts.startTotp(scope, account.id, sealed),
      );
      if (!started) throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    const tenant = this.registry.getById(tenantId);
    const issuer = tenant ? (tenant.config.shortName ?? tenant.name) : 'OpenRathaus';
    return { secret, otpauthUri: totpUri(secret, `${issuer} (OpenRathaus)`, account.email) };
  }

  /**
   * Confirms the enrolment with the first code of the app, and hands out the recovery codes (shown
   * once, kept as hashes). The session counts as fully logged in from here, under a new id.
   */
  async confirmTotp(
    tenantId: string,
    sessionId: string | undefined,
    code: unknown,
  ): Promise<StaffLoginResult & { recoveryCodes: string[] }> {
    const found = await this.current(tenantId, sessionId);
    if (!found) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    const { account, session, stored } = found;
    if (session.next !== 'enrol_totp') {
      if (session.next === 'change_password') throw stepError(session.next);
      throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    const typed = checkCode(code);
    if (!account.totpSecret) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    const step = totpStep(openTotpSecret(this.config.secret, account.id, account.totpSecret), typed);
    if (step === undefined) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    const recoveryCodes = newRecoveryCodes();
    const confirmed = await this.transactions.run(tenantId, async (scope) => {
      const done = await this.accounts.confirmTotp(scope, account.id, step, recoveryCodes.map(recoveryHash));
      if (done)
        await this.audit.record(scope, {
          action: 'staff.totp_enrolled',
          actor: account.id,
          subject: account.id,
          data: {},
        });
      return done;
    });
    if (!confirmed) throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    const renewed = await this.renew(sessionId!, stored, { ...account, totpEnrolledAt: new Date() }, true);
    return { ...renewed, recoveryCodes };
  }

  /** The session behind a cookie, at whatever step of the login, only on the tenant it was opened on. */
  async session(tenantId: string, sessionId: string | undefined): Promise<StaffSession | undefined> {
    return (await this.current(tenantId, sessionId))?.session;
  }

  async logout(sessionId: string): Promise<void> {
    if (isSessionId(sessionId)) await this.sessions.destroy(key(sessionId));
  }

  /**
   * The session, or an error: none (401), a login not complete yet (403 naming the missing step:
   * one-time password, enrolment, code), or a role not among `roles` (403).
   */
  async require(tenantId: string, sessionId: string | undefined, roles: StaffRole[]): Promise<StaffSession> {
    const session = await this.session(tenantId, sessionId);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    if (session.next) throw stepError(session.next);
    if (!roles.includes(session.role))
      throw new IdentityError(IdentityErrorCode.Forbidden, { roles: roles.join(', ') });
    return session;
  }

  /** Every member of the tenant's staff, by e-mail address, disabled ones included (marked). */
  async members(tenantId: string): Promise<StaffMember[]> {
    const accounts = await this.transactions.run(tenantId, (scope) => this.accounts.all(scope));
    return accounts.map((a) => ({
      id: a.id,
      email: a.email,
      name: a.name,
      role: a.role,
      offices: [...a.offices],
      disabled: a.disabledAt !== null,
    }));
  }

  /**
   * The offices of a new or changed caseworker: at least one, each an `offices[].id` of the
   * tenant's file. Other roles see every office and keep none.
   */
  checkOffices(tenantId: string, role: unknown, value: unknown, field = 'offices'): string[] {
    if (role !== 'caseworker') return [];
    const list = value === undefined || value === null ? [] : Array.isArray(value) ? (value as unknown[]) : [value];
    if (list.length === 0) throw officeFault(field, 'required');
    if (list.length > 100 || list.some((o) => typeof o !== 'string')) throw officeFault(field, 'invalid');
    const known = (this.registry.getById(tenantId)?.config.offices ?? []).map((o) => o.id);
    const ids = [...new Set((list as string[]).map((o) => o.trim()))];
    if (ids.some((id) => !known.includes(id))) throw officeFault(field, 'one_of', { allowed: known.join(', ') });
    return ids;
  }

  private async checkSecondFactor(tenantId: string, account: StaffAccountEntity, code: string): Promise<void> {
    if (/^\d{6}$/.test(code)) {
      if (!account.totpSecret) throw new IdentityError(IdentityErrorCode.TotpInvalid);
      const step = totpStep(openTotpSecret(this.config.secret, account.id, account.totpSecret), code);
      if (step === undefined) throw new IdentityError(IdentityErrorCode.TotpInvalid);
      const fresh = await this.transactions.run(tenantId, (scope) =>
        this.accounts.useTotpStep(scope, account.id, step),
      );
      if (!fresh) throw new IdentityError(IdentityErrorCode.TotpReused);
      return;
    }
    const recovery = normalRecoveryCode(code);
    const used =
      recovery !== undefined &&
      (await this.transactions.run(tenantId, async (scope) => {
        const spent = await this.accounts.useRecoveryCode(scope, account.id, recoveryHash(recovery));
        if (spent) {
          await this.audit.record(scope, {
            action: 'staff.recovery_code_used',
            actor: account.id,
            subject: account.id,
            data: {},
          });
        }
        return spent;
      }));
    if (!used) throw new IdentityError(IdentityErrorCode.TotpInvalid);
  }

  private async open(tenantId: string, account: StaffAccountEntity, totpPassed: boolean): Promise<StaffLoginResult> {
    const now = Date.now();
    const stored: StoredStaffSession = {
      staffId: account.id,
      tenantId,
      generation: account.sessionGeneration,
      totpPassed,
      csrfToken: newId(),
      startedAt: now,
      seenAt: now,
    };
    const sessionId = newId();
    await this.write(sessionId, stored);
    return { sessionId, session: this.view(account, stored) };
  }

  /** The session under a new id after a step of the login (no id known before it carries more). */
  private async renew(
    sessionId: string,
    stored: StoredStaffSession,
    account: StaffAccountEntity,
    totpPassed: boolean,
  ): Promise<StaffLoginResult> {
    const renewed: StoredStaffSession = { ...stored, totpPassed, csrfToken: newId(), seenAt: Date.now() };
    const id = newId();
    await this.write(id, renewed);
    await this.sessions.destroy(key(sessionId));
    return { sessionId: id, session: this.view(account, renewed) };
  }

  /**
   * The stored session and its account, when the session is of this tenant, not idle too long,
   * not older than its hours, and the account is enabled with the session's generation. Each use
   * moves the idle time on.
   */
  private async current(
    tenantId: string,
    sessionId: string | undefined,
  ): Promise<{ stored: StoredStaffSession; account: StaffAccountEntity; session: StaffSession } | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    const stored = parseStored(await this.sessions.get(key(sessionId)));
    if (!stored || stored.tenantId !== tenantId) return undefined;
    const now = Date.now();
    const idleMs = this.config.identity.staffIdleSeconds * 1000;
    if (now - stored.seenAt > idleMs || now - stored.startedAt > STAFF_SESSION_HOURS * 3600_000) {
      await this.sessions.destroy(key(sessionId));
      return undefined;
    }
    const account = await this.transactions.run(tenantId, (scope) => this.accounts.byId(scope, stored.staffId));
    if (!account || account.disabledAt || account.sessionGeneration !== stored.generation) {
      await this.sessions.destroy(key(sessionId));
      return undefined;
    }
    // Written again only now and then: often enough for the idle time, not on every request.
    if (now - stored.seenAt > Math.min(60_000, idleMs / 10)) {
      stored.seenAt = now;
      await this.write(sessionId, stored);
    }
    return { stored, account, session: this.view(account, stored) };
  }

  /** Writes with a life of the idle time, never past the session's end. */
  private async write(sessionId: string, stored: StoredStaffSession): Promise<void> {
    const left = (stored.startedAt + STAFF_SESSION_HOURS * 3600_000 - Date.now()) / 1000;
    const ttl = Math.max(1, Math.min(this.config.identity.staffIdleSeconds, left));
    await this.sessions.set(key(sessionId), { ...stored }, ttl);
  }

  private view(account: StaffAccountEntity, stored: StoredStaffSession): StaffSession {
    return {
      staffId: account.id,
      tenantId: stored.tenantId,
      email: account.email,
      name: account.name,
      role: account.role,
      offices: account.role === 'caseworker' ? [...account.offices] : [],
      mustChangePassword: account.mustChangePassword,
      next: account.mustChangePassword
        ? 'change_password'
        : !account.totpEnrolledAt
          ? 'enrol_totp'
          : stored.totpPassed
            ? null
            : 'totp',
      csrfToken: stored.csrfToken,
    };
  }
}

function parseStored(data: SessionData | undefined): StoredStaffSession | undefined {
  const d = data as Partial<StoredStaffSession> | undefined;
  if (
    !d ||
    typeof d.staffId !== 'string' ||
    typeof d.tenantId !== 'string' ||
    typeof d.generation !== 'number' ||
    typeof d.csrfToken !== 'string' ||
    typeof d.startedAt !== 'number' ||
    typeof d.seenAt !== 'number'
  ) {
    return undefined;
  }
  return { ...(d as StoredStaffSession), totpPassed: d.totpPassed === true };
}

/** The refusal of a session that still lacks `step`. */
function stepError(step: StaffLoginStep | null): IdentityError {
  switch (step) {
    case 'change_password':
      return new IdentityError(IdentityErrorCode.PasswordChangeRequired);
    case 'enrol_totp':
      return new IdentityError(IdentityErrorCode.TotpEnrolmentRequired);
    case 'totp':
      return new IdentityError(IdentityErrorCode.TotpRequired);
    default:
      return new IdentityError(IdentityErrorCode.TotpEnrolled);
  }
}

function checkRole(role: unknown): StaffRole {
  if (STAFF_ROLES.includes(role as StaffRole)) return role as StaffRole;
  throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
    { field: 'role', key: 'one_of', params: { allowed: STAFF_ROLES.join(', ') } },
  ]);
}

/** A TOTP code (six digits) or a recovery code as typed; spaces people put in are dropped. */
function checkCode(value: unknown, field = 'code'): string {
  if (typeof value !== 'string') {
    throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [
      { field, key: value === undefined || value === null ? 'required' : 'single' },
    ]);
  }
  const code = value.replace(/\s/g, '');
  if (!code) throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [{ field, key: 'required' }]);
  if (code.length > 32) throw new IdentityError(IdentityErrorCode.InvalidInput, {}, [{ field, key: 'too_long' }]);
  return code;
}

const officeFault = (field: string, key: string, params?: Record<string, unknown>) =>
  new IdentityError(IdentityErrorCode.InvalidInput, {}, [{ field, key, ...(params ? { params } : {}) }]);
