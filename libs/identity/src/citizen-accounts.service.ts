import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import type { Tenant } from '@openrathaus/tenancy';
import { checkAll, checkCredentials, checkEmail, checkName, checkNewPassword, checkToken } from './account-input';
import { CitizenAccountEntity } from './citizen-account.entity';
import { CITIZEN_MAILER, CitizenMail, CitizenMailer } from './citizen-mailer.port';
import { CitizenRealms } from './citizen-realms.service';
import { CitizenSession, CitizenSessions } from './citizen-sessions.service';
import { CitizenThrottle } from './citizen-throttle.service';
import type { CitizenTokenPurpose } from './citizen-token.entity';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { reserveAttempt } from './login-attempts';
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
      const added = await scope.query<{ id: string }>(
        `with added as (
           insert into public.citizen_accounts (tenant_id, email, name, password_hash, locale)
           values ($1, $2, $3, $4, $5) on conflict (tenant_id, email) do nothing returning id)
         select id from added`,
        [realmId, email, name, passwordHash, locale],
      );
      if (!mayMail) return this.logger.warn({ realmId }, 'registration mail withheld: too many from one client');
      if (added[0]) {
        const token = await this.issueToken(scope, added[0].id, 'verify');
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
        const existing = await scope.findOne(CitizenAccountEntity, { email });
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
      await scope.query(
        `update public.citizen_accounts set email_verified_at = coalesce(email_verified_at, now()) where id = $1`,
        [accountId],
      );
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
      ? await this.transactions.run(realmId, (scope) => scope.findOne(CitizenAccountEntity, { email: address }))
      : null;
    const reserved =
      account &&
      (await this.transactions.run(realmId, (scope) => reserveAttempt(scope, 'citizen_accounts', account.id)));
    if (!account || !reserved) {
      await this.passwords.verifyNothing(secret);
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    }
    if (!(await this.passwords.verify(account.passwordHash, secret)))
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    await this.throttle.giveBack(realmId, 'login', info.client);
    await this.transactions.run(realmId, (scope) =>
      scope.query(
        `update public.citizen_accounts set failed_logins = 0, locked_until = null,
                last_login_at = case when email_verified_at is null then last_login_at else now() end
          where id = $1`,
        [account.id],
      ),
    );
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
      const account = await scope.findOne(CitizenAccountEntity, { email: address });
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
      const rows = await scope.query<{ generation: number }>(
        `with changed as (
           update public.citizen_accounts
              set password_hash = $2, email_verified_at = coalesce(email_verified_at, now()),
                  failed_logins = 0, locked_until = null, session_generation = session_generation + 1
            where id = $1 returning session_generation)
         select session_generation as generation from changed`,
        [accountId, passwordHash],
      );
      return { accountId, generation: Number(rows[0]?.generation) };
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
    const rows = await this.transactions.run(this.realms.realmOf(tenant), (scope) =>
      scope.query(
        `select 1 from public.citizen_tokens
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()`,
        [sha256(secret), purpose],
      ),
    );
    return rows.length > 0;
  }

  /**
   * The confirmed address of a citizen's account, where mails about the citizen's applications go;
   * undefined when the account is gone or its address was never confirmed. `tenant` is the one the
   * application belongs to (a member of a region reads the region's accounts).
   */
  async verifiedAddress(tenant: Tenant, citizenId: string): Promise<{ email: string; locale: string } | undefined> {
    const rows = await this.transactions.run(this.realms.realmOf(tenant), (scope) =>
      scope.query<{ email: string; locale: string }>(
        `select email, locale from public.citizen_accounts where id = $1 and email_verified_at is not null`,
        [citizenId],
      ),
    );
    return rows[0];
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
    await scope.query(
      `update public.citizen_tokens set used_at = now() where account_id = $1 and purpose = $2 and used_at is null`,
      [accountId, purpose],
    );
    await scope.query(
      `insert into public.citizen_tokens (tenant_id, account_id, purpose, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
      [scope.tenantId, accountId, purpose, sha256(token), TOKEN_HOURS[purpose]],
    );
    return token;
  }

  /** Marks the token used and answers its account, in one statement: a token works once, also in parallel. */
  private async consumeToken(
    scope: TenantScope,
    purpose: CitizenTokenPurpose,
    token: string,
  ): Promise<string | undefined> {
    const rows = await scope.query<{ account_id: string }>(
      `with used as (
         update public.citizen_tokens set used_at = now()
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
         returning account_id)
       select account_id from used`,
      [sha256(token), purpose],
    );
    return rows[0]?.account_id;
  }

  /**
   * Binds the identity an eID proved (a digest of issuer and subject) to the account, the first time;
   * later, only the same identity is accepted. False when the account has another one, or when
   * another account of the realm holds this one.
   */
  async bindIdentity(realmId: string, accountId: string, digest: string): Promise<boolean> {
    return this.transactions.run(realmId, async (scope) => {
      const rows = await scope.query<{ eid_subject: string | null }>(
        `select eid_subject from public.citizen_accounts where id = $1 for update`,
        [accountId],
      );
      if (!rows.length) return false;
      if (rows[0].eid_subject) return rows[0].eid_subject === digest;
      const taken = await scope.query(`select 1 from public.citizen_accounts where eid_subject = $1`, [digest]);
      if (taken.length) return false;
      await scope.query(`update public.citizen_accounts set eid_subject = $2 where id = $1`, [accountId, digest]);
      return true;
    });
  }

  private async mailedLately(scope: TenantScope, accountId: string, purpose: CitizenTokenPurpose): Promise<boolean> {
    const rows = await scope.query(
      `select 1 from public.citizen_tokens
        where account_id = $1 and purpose = $2 and created_at > now() - make_interval(secs => $3) limit 1`,
      [accountId, purpose, MAIL_PAUSE_SECONDS],
    );
    return rows.length > 0;
  }

  private mail(tenant: Tenant, scope: TenantScope, mail: CitizenMail): Promise<void> {
    return this.mailer.sendAccountMail(tenant, mail, scope);
  }

  private link(tenant: Tenant, page: 'bestaetigen' | 'passwort-neu', token: string): string {
    return this.realms.link(tenant, `/konto/${page}?token=${token}`);
  }
}
