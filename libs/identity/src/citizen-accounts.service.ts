import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import type { Tenant } from '@openrathaus/tenancy';
import { checkAll, checkCredentials, checkEmail, checkName, checkNewPassword, checkToken } from './account-input';
import { CitizenAccountEntity } from './citizen-account.entity';
import { CitizenAccountsRepository } from './citizen-accounts.repository';
import { CITIZEN_MAILER, CitizenMail, CitizenMailer } from './citizen-mailer.port';
import { CitizenRealms } from './citizen-realms.service';
import { CitizenSession, CitizenSessions } from './citizen-sessions.service';
import { CitizenThrottle } from './citizen-throttle.service';
import type { CitizenTokenPurpose } from './citizen-token.entity';
import { CitizenTokensRepository } from './citizen-tokens.repository';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { PasswordHasher } from './password-hash';

/** Where a request comes from: the client's address (throttling) and the page's language (mails). */
export interface CitizenRequestInfo {
  client?: string;
  locale?: string;
}

/** How long the links in e-mails work. */
export const TOKEN_HOURS: Record<CitizenTokenPurpose, number> = { verify: 48, reset: 1, exists: 1 };
/** A second mail of the same kind to the same account waits this long (no mail floods by button). */
const MAIL_PAUSE_SECONDS = 60;

const sha256 = (token: string): Buffer => createHash('sha256').update(token).digest();
const invalidToken = () =>
  new IdentityError(IdentityErrorCode.InvalidToken, {}, [{ field: 'token', key: 'identity.token_invalid' }]);

/**
 * Citizen accounts of a realm (see {@link CitizenRealms}): registration with a confirmed e-mail
 * address, login with argon2id, throttled per account (five failures lock it for a quarter of an
 * hour) and per client address and realm, password reset by e-mail. No answer tells whether an
 * address has an account.
 */
@Injectable()
export class CitizenAccounts {
  private readonly logger = new Logger('CitizenAccounts');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly realms: CitizenRealms,
    private readonly sessions: CitizenSessions,
    private readonly throttle: CitizenThrottle,
    @Inject(CITIZEN_MAILER) private readonly mailer: CitizenMailer,
    private readonly passwords: PasswordHasher,
    private readonly accounts: CitizenAccountsRepository,
    private readonly tokens: CitizenTokensRepository,
  ) {}

  /**
   * Creates an account and mails the link that confirms the address; an address that has an
   * account already gets a mail saying so instead. The caller answers the same either way.
   */
  async register(tenant: Tenant, input: Record<string, unknown>, info: CitizenRequestInfo = {}): Promise<void> {
    const [email, password, name] = checkAll<[string, string, string]>(
      () => checkEmail(input.email),
      () => checkNewPassword(input.password),
      () => checkName(input.name),
    );
    const realmId = this.realms.realmOf(tenant);
    const locale = info.locale ?? 'de';
    // Hashed in both cases, so that the time taken does not tell whether the address was known.
    const passwordHash = await this.passwords.hash(password);
    const mayMail = await this.throttle.take(realmId, 'mail', info.client);
    await this.transactions.run(realmId, async (scope) => {
      const addedId = await this.accounts.addUnlessTaken(scope, { email, name, passwordHash, locale });
      if (!mayMail) return this.logger.warn({ realmId }, 'registration mail withheld: too many from one client');
      if (addedId) {
        const token = await this.issueToken(scope, addedId, 'verify');
        await this.mail(tenant, scope, {
          to: email,
          locale,
          template: 'account-verify',
          link: this.link(tenant, 'bestaetigen', token),
          name,
        });
      } else {
        // Whoever registered first keeps the account; the owner of the mailbox hears of the attempt
        // and finds the way to log in or reset the password (which confirms the address too) —
        // once in a while, not once per attempt.
        const existing = await this.accounts.byEmail(scope, email);
        if (!existing || (await this.mailedLately(scope, existing.id, 'exists'))) return;
        await this.issueToken(scope, existing.id, 'exists');
        await this.mail(tenant, scope, {
          to: email,
          locale,
          template: 'account-exists',
          link: this.realms.link(tenant, '/konto/anmelden'),
        });
      }
    });
  }

  /** Confirms the address with the token from the mail. */
  async verify(tenant: Tenant, token: unknown): Promise<void> {
    const [secret] = checkAll<[string]>(() => checkToken(token));
    const realmId = this.realms.realmOf(tenant);
    const done = await this.transactions.run(realmId, async (scope) => {
      const accountId = await this.consumeToken(scope, 'verify', secret);
      if (!accountId) return false;
      await this.accounts.markVerified(scope, accountId);
      return true;
    });
    if (!done) throw invalidToken();
  }

  /**
   * Checks the password and opens a session. Every attempt is counted before the password is
   * checked, per client address and per account; an unknown address, a locked account, a throttled
   * client and a wrong password all get the same answer after the same work. A right password on
   * an unconfirmed address is refused with its own error (and a fresh link is mailed).
   */
  async login(
    tenant: Tenant,
    email: unknown,
    password: unknown,
    info: CitizenRequestInfo = {},
  ): Promise<{ sessionId: string; session: CitizenSession }> {
    const [address, secret] = checkCredentials(email, password);
    const realmId = this.realms.realmOf(tenant);
    const clientAllowed = await this.throttle.take(realmId, 'login', info.client);
    const account = clientAllowed
      ? await this.transactions.run(realmId, (scope) => this.accounts.byEmail(scope, address))
      : null;
    const reserved =
      account && (await this.transactions.run(realmId, (scope) => this.accounts.reserveAttempt(scope, account.id)));
    if (!account || !reserved) {
      await this.passwords.verifyNothing(secret);
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    const check = await this.passwords.verifyAndRenew(account.passwordHash, secret);
    if (!check.ok) throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    await this.throttle.giveBack(realmId, 'login', info.client);
    await this.transactions.run(realmId, async (scope) => {
      await this.accounts.recordLogin(scope, account.id);
      // Hashed with parameters of before: stored anew with today's, unless the password changed meanwhile.
      if (check.renewed) await this.accounts.renewHash(scope, account.id, account.passwordHash, check.renewed);
    });
    if (!account.emailVerifiedAt) {
      await this.resendVerification(tenant, realmId, account, info.locale ?? account.locale);
      throw new IdentityError(IdentityErrorCode.EmailNotVerified);
    }
    const sessionId = await this.sessions.open(realmId, account);
    const session = await this.sessions.citizenSession(sessionId, tenant);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    return { sessionId, session };
  }

  /** Mails a link to set a new password, when the address has an account; answers the same when not. */
  async requestPasswordReset(tenant: Tenant, email: unknown, info: CitizenRequestInfo = {}): Promise<void> {
    const [address] = checkAll<[string]>(() => checkEmail(email));
    const realmId = this.realms.realmOf(tenant);
    if (!(await this.throttle.take(realmId, 'mail', info.client))) {
      return this.logger.warn({ realmId }, 'reset mail withheld: too many from one client');
    }
    await this.transactions.run(realmId, async (scope) => {
      const account = await this.accounts.byEmail(scope, address);
      if (!account || (await this.mailedLately(scope, account.id, 'reset'))) return;
      const token = await this.issueToken(scope, account.id, 'reset');
      await this.mail(tenant, scope, {
        to: account.email,
        locale: info.locale ?? account.locale,
        template: 'password-reset',
        link: this.link(tenant, 'passwort-neu', token),
        name: account.name,
      });
    });
  }

  /**
   * Sets a new password with the token from the mail; this also confirms the address and unlocks
   * the account. Every session of the account ends, except `keepSessionId` when it is one of them.
   */
  async resetPassword(tenant: Tenant, token: unknown, password: unknown, keepSessionId?: string): Promise<void> {
    const [secret, fresh] = checkAll<[string, string]>(
      () => checkToken(token),
      () => checkNewPassword(password),
    );
    const realmId = this.realms.realmOf(tenant);
    const passwordHash = await this.passwords.hash(fresh);
    const changed = await this.transactions.run(realmId, async (scope) => {
      const accountId = await this.consumeToken(scope, 'reset', secret);
      if (!accountId) return undefined;
      const generation = await this.accounts.resetPassword(scope, accountId, passwordHash);
      return { accountId, generation: Number(generation) };
    });
    if (!changed) throw invalidToken();
    await this.sessions.keep(keepSessionId, changed.accountId, changed.generation);
  }

  /** Whether a token from a mail would still work (for the page that asks for the new password). */
  async tokenUsable(tenant: Tenant, purpose: CitizenTokenPurpose, token: unknown): Promise<boolean> {
    let secret: string;
    try {
      [secret] = checkAll<[string]>(() => checkToken(token));
    } catch {
      return false;
    }
    return this.transactions.run(this.realms.realmOf(tenant), (scope) =>
      this.tokens.usable(scope, purpose, sha256(secret)),
    );
  }

  /**
   * The confirmed address of a citizen's account, where mails about the citizen's applications go;
   * undefined when the account is gone or its address was never confirmed. `tenant` is the one the
   * application belongs to (a member of a region reads the region's accounts). With the account's
   * language and the name it was registered with.
   */
  async verifiedAddress(
    tenant: Tenant,
    citizenId: string,
  ): Promise<{ email: string; locale: string; name: string } | undefined> {
    return this.transactions.run(this.realms.realmOf(tenant), (scope) =>
      this.accounts.verifiedAddress(scope, citizenId),
    );
  }

  /** Ends every session of the citizen, on every device. */
  async logoutEverywhere(session: Pick<CitizenSession, 'realmId' | 'citizenId'>): Promise<void> {
    await this.sessions.endAll(session.realmId, session.citizenId);
  }

  private async resendVerification(
    tenant: Tenant,
    realmId: string,
    account: CitizenAccountEntity,
    locale: string,
  ): Promise<void> {
    await this.transactions.run(realmId, async (scope) => {
      if (await this.mailedLately(scope, account.id, 'verify')) return;
      const token = await this.issueToken(scope, account.id, 'verify');
      await this.mail(tenant, scope, {
        to: account.email,
        locale,
        template: 'account-verify',
        link: this.link(tenant, 'bestaetigen', token),
        name: account.name,
      });
    });
  }

  /** A new token for the account; earlier unused ones of the same purpose stop working. */
  private async issueToken(scope: TenantScope, accountId: string, purpose: CitizenTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.replace(scope, accountId, purpose, sha256(token), TOKEN_HOURS[purpose]);
    return token;
  }

  private consumeToken(scope: TenantScope, purpose: CitizenTokenPurpose, token: string): Promise<string | undefined> {
    return this.tokens.consume(scope, purpose, sha256(token));
  }

  /**
   * Binds the identity an eID proved (a digest of issuer and subject) to the account, the first time;
   * later, only the same identity is accepted. False when the account has another one, or when
   * another account of the realm holds this one.
   */
  async bindIdentity(realmId: string, accountId: string, digest: string): Promise<boolean> {
    return this.transactions.run(realmId, async (scope) => {
      const bound = await this.accounts.lockIdentity(scope, accountId);
      if (bound === undefined) return false;
      if (bound) return bound === digest;
      if (await this.accounts.identityTaken(scope, digest)) return false;
      await this.accounts.bindIdentity(scope, accountId, digest);
      return true;
    });
  }

  private mailedLately(scope: TenantScope, accountId: string, purpose: CitizenTokenPurpose): Promise<boolean> {
    return this.tokens.issuedWithin(scope, accountId, purpose, MAIL_PAUSE_SECONDS);
  }

  private mail(tenant: Tenant, scope: TenantScope, mail: CitizenMail): Promise<void> {
    return this.mailer.sendAccountMail(tenant, mail, scope);
  }

  private link(tenant: Tenant, page: 'bestaetigen' | 'passwort-neu', token: string): string {
    return this.realms.link(tenant, `/konto/${page}?token=${token}`);
  }
}
