import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TenantTransactions } from '@openrathaus/database';
import type { Tenant } from '@openrathaus/tenancy';
import { CitizenAccountsRepository } from './citizen-accounts.repository';
import { CitizenRealms } from './citizen-realms.service';
import { SESSION_STORE, SessionStore, isSessionId } from './session-store.port';
import { TrustLevel, isTrustLevel, meetsLevel } from './trust-level';

/** A logged-in citizen, as a request sees it. */
export interface CitizenSession {
  sessionId: string;
  citizenId: string;
  /** The realm's tenant id (the region's for its members). */
  realmId: string;
  email: string;
  name: string;
  locale?: string;
  /** Raised by a step-up for this session only; a new login starts at `basic`. */
  trustLevel: TrustLevel;
  /** The `_csrf` value of this session's HTML forms. */
  csrfToken: string;
  expiresAt: Date;
}

/** How long a citizen's session lasts from its login, whatever happens in between. */
export const CITIZEN_SESSION_HOURS = 8;

/** What the session store keeps (under `citizen:<id>`). */
interface StoredSession {
  citizenId: string;
  realmId: string;
  generation: number;
  trustLevel: TrustLevel;
  csrfToken: string;
  expiresAt: number;
  /** Data of a step-up under way (state, nonce, PKCE verifier, where to return). */
  flow?: Record<string, unknown>;
}

const key = (sessionId: string) => `citizen:${sessionId}`;
const newId = () => randomBytes(32).toString('base64url');

/**
 * Citizens' sessions in the shared session store, bound to a realm: on the host of a tenant of
 * another realm a session is not valid. Every lookup compares the session's generation with the
 * account's, so "log out everywhere" and a password reset end all sessions at once, on every
 * instance, without a list of sessions that could miss one.
 */
@Injectable()
export class CitizenSessions {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly realms: CitizenRealms,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    private readonly accounts: CitizenAccountsRepository,
  ) {}

  /** Opens a session at level `basic`; returns its id (the cookie's value). */
  async open(realmId: string, account: { id: string; sessionGeneration: number }): Promise<string> {
    const sessionId = newId();
    await this.write(sessionId, {
      citizenId: account.id,
      realmId,
      generation: account.sessionGeneration,
      trustLevel: 'basic',
      csrfToken: newId(),
      expiresAt: Date.now() + CITIZEN_SESSION_HOURS * 3600 * 1000,
    });
    return sessionId;
  }

  /** The session behind a cookie on this tenant's host, or undefined (unknown, expired, ended, other realm). */
  async citizenSession(sessionId: string | undefined, tenant: Tenant): Promise<CitizenSession | undefined> {
    const stored = await this.read(sessionId);
    if (!stored || !sessionId) return undefined;
    if (stored.realmId !== this.realms.realmOf(tenant)) return undefined;
    const account = await this.transactions.run(stored.realmId, (scope) => this.accounts.byId(scope, stored.citizenId));
    if (!account || account.sessionGeneration !== stored.generation) {
      await this.store.destroy(key(sessionId));
      return undefined;
    }
    return {
      sessionId,
      citizenId: account.id,
      realmId: stored.realmId,
      email: account.email,
      name: account.name,
      locale: account.locale,
      trustLevel: stored.trustLevel,
      csrfToken: stored.csrfToken,
      expiresAt: new Date(stored.expiresAt),
    };
  }

  /** Ends one session. */
  async end(sessionId: string | undefined): Promise<void> {
    if (isSessionId(sessionId)) await this.store.destroy(key(sessionId));
  }

  /** Ends every session of the account (this one too); returns the new generation. */
  async endAll(realmId: string, citizenId: string): Promise<number> {
    const generation = await this.transactions.run(realmId, (scope) =>
      this.accounts.raiseSessionGeneration(scope, citizenId),
    );
    return generation ?? 0;
  }

  /** Lets one session live on after {@link endAll} (the one that reset the password). */
  async keep(sessionId: string | undefined, citizenId: string, generation: number): Promise<void> {
    const stored = await this.read(sessionId);
    if (!stored || !sessionId || stored.citizenId !== citizenId) return;
    await this.write(sessionId, { ...stored, generation });
  }

  /**
   * Raises the session's trust level (never lowers it) under a new session id, as after a login:
   * a session id that was known before the step-up does not carry the higher level. Returns the new id.
   */
  async raise(session: CitizenSession, level: TrustLevel): Promise<string | undefined> {
    const stored = await this.read(session.sessionId);
    if (!stored) return undefined;
    const sessionId = newId();
    const trustLevel = meetsLevel(stored.trustLevel, level) ? stored.trustLevel : level;
    await this.write(sessionId, { ...stored, trustLevel, flow: undefined, csrfToken: newId() });
    await this.store.destroy(key(session.sessionId));
    return sessionId;
  }

  /** Keeps the data of a step-up under way in the session (replacing any earlier one). */
  async saveFlow(sessionId: string, flow: Record<string, unknown>): Promise<void> {
    const stored = await this.read(sessionId);
    if (stored) await this.write(sessionId, { ...stored, flow });
  }

  /** Takes the data of the step-up under way out of the session: it serves one return only. */
  async takeFlow(sessionId: string): Promise<Record<string, unknown> | undefined> {
    const stored = await this.read(sessionId);
    if (!stored?.flow) return undefined;
    await this.write(sessionId, { ...stored, flow: undefined });
    return stored.flow;
  }

  private async read(sessionId: string | undefined): Promise<StoredSession | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    const data = (await this.store.get(key(sessionId))) as Partial<StoredSession> | undefined;
    if (
      !data ||
      typeof data.citizenId !== 'string' ||
      typeof data.realmId !== 'string' ||
      typeof data.expiresAt !== 'number' ||
      data.expiresAt <= Date.now() ||
      !isTrustLevel(data.trustLevel)
    ) {
      return undefined;
    }
    return data as StoredSession;
  }

  /** Writes with the time left until the session's end, so that a rewrite never prolongs it. */
  private async write(sessionId: string, data: StoredSession): Promise<void> {
    const { flow, ...rest } = data;
    await this.store.set(
      key(sessionId),
      { ...rest, ...(flow ? { flow } : {}) },
      Math.max(1, (data.expiresAt - Date.now()) / 1000),
    );
  }
}
