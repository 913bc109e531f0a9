import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, findContext } from '@openrathaus/core';
import { AuditLog, ConsoleTransactions } from '@openrathaus/database';
import {
  IdentityError,
  IdentityErrorCode,
  MIN_PASSWORD,
  PasswordHasher,
  SESSION_STORE,
  SessionData,
  SessionStore,
  STAFF_SESSION_HOURS,
  checkAll,
  checkCredentials,
  checkEmail,
  checkName,
  checkPassword,
  isSessionId,
  newRecoveryCodes,
  newTotpSecret,
  normalRecoveryCode,
  openTotpSecret,
  recoveryHash,
  sealTotpSecret,
  totpStep,
  totpUri,
} from '@openrathaus/identity';
import { OperationsError, OperationsErrorCode } from './operations.error';
import { OperatorAccountRow, OperatorAccountsRepository } from './operator-accounts.repository';
import type { OperatorLoginStep, OperatorSession } from './operator-session';

/** A session just opened or renewed: its id is the `or_operator` cookie's value. */
export interface OperatorLoginResult {
  sessionId: string;
  session: OperatorSession;
}

interface StoredOperatorSession {
  operatorId: string;
  generation: number;
  totpPassed: boolean;
  csrfToken: string;
  startedAt: number;
  seenAt: number;
}

const key = (sessionId: string) => `operator:${sessionId}`;
const newId = () => randomBytes(32).toString('base64url');

/**
 * Operator accounts, apart from every tenant's staff: created with a one-time password from the
 * command line, logged in exactly as the back office's staff are (argon2id, a mandatory TOTP
 * second factor with recovery codes, five failures lock the account for a quarter of an hour).
 * Sessions live in the shared session store under a key of their own, so that no staff session
 * of any tenant opens the console, end after the staff's idle time and eight hours at most.
 */
@Injectable()
export class OperatorAccounts {
  constructor(
    private readonly transactions: ConsoleTransactions,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly passwords: PasswordHasher,
    private readonly accounts: OperatorAccountsRepository,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates an operator and returns the one-time password (shown once, stored as a hash only). */
  async add(email: unknown, options: { name?: unknown } = {}): Promise<{ id: string; password: string }> {
    const [address, name] = checkAll<[string, string | null]>(
      () => checkEmail(email),
      () =>
        options.name === undefined || options.name === null || options.name === '' ? null : checkName(options.name),
    );
    const password = randomBytes(12).toString('base64url');
    const passwordHash = await this.passwords.hash(password);
    return this.transactions.run(async (scope) => {
      if (await this.accounts.emailTaken(scope, address)) {
        throw new OperationsError(OperationsErrorCode.EmailTaken, {}, [{ field: 'email', key: 'taken' }]);
      }
      const id = await this.accounts.add(scope, { email: address, name, passwordHash });
      await this.audit.recordByOperator(scope, null, {
        action: 'operator.account_added',
        actor: null,
        subject: id,
        data: { email: address },
      });
      return { id, password };
    });
  }

  /** Checks the password (and `code`, when sent) and opens a session, as the back office's login does. */
  async login(email: unknown, password: unknown, code?: unknown): Promise<OperatorLoginResult> {
    const [address, secret] = checkCredentials(email, password);
    const typed = code === undefined || code === null || code === '' ? undefined : checkCode(code);
    const account = await this.transactions.run((scope) => this.accounts.byEmail(scope, address));
    const reserved =
      account &&
      !account.disabled_at &&
      (await this.transactions.run((s) => this.accounts.reserveAttempt(s, account.id)));
    if (!account || !reserved) {
      await this.passwords.verifyNothing(secret);
      await this.record('operator.login_failed', null, { email: address });
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    if (!(await this.passwords.verify(account.password_hash, secret))) {
      await this.record('operator.login_failed', account.id, { email: address });
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    let totpPassed = false;
    if (account.totp_enrolled_at && !account.must_change_password) {
      if (typed === undefined) {
        await this.transactions.run((s) => this.accounts.giveBackAttempt(s, account.id));
        return this.open(account, false);
      }
      await this.checkSecondFactor(account, typed);
      totpPassed = true;
    }
    await this.transactions.run(async (scope) => {
      await this.accounts.recordLogin(scope, account.id);
      if (totpPassed) await this.recordIn(scope, 'operator.login', account.id, {});
    });
    return this.open(account, totpPassed);
  }

  /** The second step of a login: the authenticator's code (or a recovery code). */
  async verifyCode(sessionId: string | undefined, code: unknown): Promise<OperatorLoginResult> {
    const current = await this.current(sessionId);
    if (!current) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    const { stored, account, session } = current;
    if (session.next === null) return { sessionId: sessionId!, session };
    if (session.next !== 'totp') throw stepError(session.next);
    const typed = checkCode(code);
    const reserved = await this.transactions.run((s) => this.accounts.reserveAttempt(s, account.id));
    if (!reserved) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    await this.checkSecondFactor(account, typed);
    await this.transactions.run(async (scope) => {
      await this.accounts.recordLogin(scope, account.id);
      await this.recordIn(scope, 'operator.login', account.id, {});
    });
    return this.renew(sessionId!, stored, account, true);
  }

  /** Replaces the password (the one-time password first of all). */
  async changePassword(sessionId: string | undefined, current: unknown, next: unknown): Promise<OperatorSession> {
    const found = await this.current(sessionId);
    if (!found) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
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
    if (!(await this.passwords.verify(account.password_hash, now))) {
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    const passwordHash = await this.passwords.hash(fresh);
    await this.transactions.run(async (scope) => {
      await this.accounts.changePassword(scope, account.id, passwordHash);
      await this.recordIn(scope, 'operator.password_changed', account.id, {});
    });
    return this.view({ ...account, must_change_password: false }, found.stored);
  }

  /** Starts the enrolment of an authenticator app (the same secret again until it is confirmed). */
  async startTotpEnrolment(sessionId: string | undefined): Promise<{ secret: string; otpauthUri: string }> {
    const found = await this.current(sessionId);
    if (!found) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    const { account, session } = found;
    if (session.next !== 'enrol_totp') {
      if (session.next === 'change_password') throw stepError(session.next);
      throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    let secret = account.totp_secret ? openTotpSecret(this.config.secret, account.id, account.totp_secret) : undefined;
    if (!secret) {
      secret = newTotpSecret();
      const sealed = sealTotpSecret(this.config.secret, account.id, secret);
      const started = await this.transactions.run((s) => this.accounts.startTotp(s, account.id, sealed));
      if (!started) throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    return { secret, otpauthUri: totpUri(secret, 'OpenRathaus operator console', account.email) };
  }

  /** Confirms the enrolment with a first code and hands out the recovery codes (once). */
  async confirmTotp(
    sessionId: string | undefined,
    code: unknown,
  ): Promise<OperatorLoginResult & { recoveryCodes: string[] }> {
    const found = await this.current(sessionId);
    if (!found) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    const { account, session, stored } = found;
    if (session.next !== 'enrol_totp') {
      if (session.next === 'change_password') throw stepError(session.next);
      throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    }
    const typed = checkCode(code);
    if (!account.totp_secret) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    const step = totpStep(openTotpSecret(this.config.secret, account.id, account.totp_secret), typed);
    if (step === undefined) throw new IdentityError(IdentityErrorCode.TotpInvalid);
    const recoveryCodes = newRecoveryCodes();
    const confirmed = await this.transactions.run(async (scope) => {
      const done = await this.accounts.confirmTotp(scope, account.id, step, recoveryCodes.map(recoveryHash));
      if (done) {
        await this.recordIn(scope, 'operator.totp_enrolled', account.id, {});
        await this.recordIn(scope, 'operator.login', account.id, {});
      }
      return done;
    });
    if (!confirmed) throw new IdentityError(IdentityErrorCode.TotpEnrolled);
    const renewed = await this.renew(sessionId!, stored, { ...account, totp_enrolled_at: new Date() }, true);
    return { ...renewed, recoveryCodes };
  }

  /** The session behind a cookie, at whatever step of the login. */
  async session(sessionId: string | undefined): Promise<OperatorSession | undefined> {
    return (await this.current(sessionId))?.session;
  }

  /** The session of an operator logged in completely: 401 without one, 403 naming the missing step. */
  async require(sessionId: string | undefined): Promise<OperatorSession> {
    const session = await this.session(sessionId);
    if (!session) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    if (session.next) throw new OperationsError(OperationsErrorCode.LoginIncomplete, { step: session.next });
    return session;
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (!isSessionId(sessionId)) return;
    const found = await this.current(sessionId);
    await this.sessions.destroy(key(sessionId));
    if (found) await this.record('operator.logout', found.account.id, {});
  }

  /** Appends an operator's action that concerns no tenant to the audit log. */
  private async record(action: string, actor: string | null, data: Record<string, unknown>): Promise<void> {
    await this.transactions.run((scope) => this.recordIn(scope, action, actor, data));
  }

  private recordIn(
    scope: Parameters<Parameters<ConsoleTransactions['run']>[0]>[0],
    action: string,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.recordByOperator(scope, null, {
      action,
      actor,
      subject: actor,
      data,
      correlationId: findContext()?.correlationId ?? null,
    });
  }

  private async checkSecondFactor(account: OperatorAccountRow, code: string): Promise<void> {
    if (/^\d{6}$/.test(code)) {
      if (!account.totp_secret) throw new IdentityError(IdentityErrorCode.TotpInvalid);
      const step = totpStep(openTotpSecret(this.config.secret, account.id, account.totp_secret), code);
      if (step === undefined) throw new IdentityError(IdentityErrorCode.TotpInvalid);
      const fresh = await this.transactions.run((s) => this.accounts.useTotpStep(s, account.id, step));
      if (!fresh) throw new IdentityError(IdentityErrorCode.TotpReused);
      return;
    }
    const recovery = normalRecoveryCode(code);
    const used =
      recovery !== undefined &&
      (await this.transactions.run(async (scope) => {
        const spent = await this.accounts.useRecoveryCode(scope, account.id, recoveryHash(recovery));
        if (spent) await this.recordIn(scope, 'operator.recovery_code_used', account.id, {});
        return spent;
      }));
    if (!used) throw new IdentityError(IdentityErrorCode.TotpInvalid);
  }

  private async open(account: OperatorAccountRow, totpPassed: boolean): Promise<OperatorLoginResult> {
    const now = Date.now();
    const stored: StoredOperatorSession = {
      operatorId: account.id,
      generation: account.session_generation,
      totpPassed,
      csrfToken: newId(),
      startedAt: now,
      seenAt: now,
    };
    const sessionId = newId();
    await this.write(sessionId, stored);
    return { sessionId, session: this.view(account, stored) };
  }

  private async renew(
    sessionId: string,
    stored: StoredOperatorSession,
    account: OperatorAccountRow,
    totpPassed: boolean,
  ): Promise<OperatorLoginResult> {
    const renewed: StoredOperatorSession = { ...stored, totpPassed, csrfToken: newId(), seenAt: Date.now() };
    const id = newId();
    await this.write(id, renewed);
    await this.sessions.destroy(key(sessionId));
    return { sessionId: id, session: this.view(account, renewed) };
  }

  private async current(
    sessionId: string | undefined,
  ): Promise<{ stored: StoredOperatorSession; account: OperatorAccountRow; session: OperatorSession } | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    const stored = parseStored(await this.sessions.get(key(sessionId)));
    if (!stored) return undefined;
    const now = Date.now();
    const idleMs = this.config.identity.staffIdleSeconds * 1000;
    if (now - stored.seenAt > idleMs || now - stored.startedAt > STAFF_SESSION_HOURS * 3600_000) {
      await this.sessions.destroy(key(sessionId));
      return undefined;
    }
    const account = await this.transactions.run((s) => this.accounts.byId(s, stored.operatorId));
    if (!account || account.disabled_at || account.session_generation !== stored.generation) {
      await this.sessions.destroy(key(sessionId));
      return undefined;
    }
    if (now - stored.seenAt > Math.min(60_000, idleMs / 10)) {
      stored.seenAt = now;
      await this.write(sessionId, stored);
    }
    return { stored, account, session: this.view(account, stored) };
  }

  private async write(sessionId: string, stored: StoredOperatorSession): Promise<void> {
    const left = (stored.startedAt + STAFF_SESSION_HOURS * 3600_000 - Date.now()) / 1000;
    const ttl = Math.max(1, Math.min(this.config.identity.staffIdleSeconds, left));
    await this.sessions.set(key(sessionId), { ...stored }, ttl);
  }

  private view(account: OperatorAccountRow, stored: StoredOperatorSession): OperatorSession {
    return {
      operatorId: account.id,
      email: account.email,
      name: account.name,
      mustChangePassword: account.must_change_password,
      next: account.must_change_password
        ? 'change_password'
        : !account.totp_enrolled_at
          ? 'enrol_totp'
          : stored.totpPassed
            ? null
            : 'totp',
      csrfToken: stored.csrfToken,
    };
  }
}

function parseStored(data: SessionData | undefined): StoredOperatorSession | undefined {
  const d = data as Partial<StoredOperatorSession> | undefined;
  if (
    !d ||
    typeof d.operatorId !== 'string' ||
    typeof d.generation !== 'number' ||
    typeof d.csrfToken !== 'string' ||
    typeof d.startedAt !== 'number' ||
    typeof d.seenAt !== 'number'
  ) {
    return undefined;
  }
  return { ...(d as StoredOperatorSession), totpPassed: d.totpPassed === true };
}

function stepError(step: OperatorLoginStep | null): IdentityError {
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
