/** What a session keeps: plain JSON. */
export type SessionData = Record<string, unknown>;

/** Injection token of the {@link SessionStore}. */
export const SESSION_STORE = Symbol('SESSION_STORE');

/**
 * Server-side sessions of citizens and staff, shared by every instance: Redis where there is one,
 * the `sessions` table where there is none (the embedded mode). A session is dropped when its time
 * runs out; every write sets that time anew.
 */
export interface SessionStore {
  /** The session, or undefined when it is unknown, destroyed or expired. */
  get(id: string): Promise<SessionData | undefined>;
  /** Writes the session, to live `ttlSeconds` from now. */
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>;
  destroy(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Session ids are 32 random bytes, base64url; anything else is not looked up at all. */
export const isSessionId = (id: string | undefined): id is string => !!id && /^[A-Za-z0-9_-]{43}$/.test(id);
