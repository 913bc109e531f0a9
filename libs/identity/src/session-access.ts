import { promisify } from 'node:util';
import type { SessionData, SessionStore } from '@openrathaus/jobs';

/** The shared session store with promises instead of callbacks. */
export interface SessionAccess {
  get(id: string): Promise<SessionData | null | undefined>;
  set(id: string, data: SessionData): Promise<void>;
  destroy(id: string): Promise<void>;
}

export function sessionAccess(store: SessionStore): SessionAccess {
  return {
    get: promisify(store.get.bind(store)),
    set: promisify(store.set.bind(store)),
    destroy: promisify(store.destroy.bind(store)),
  };
}

/** Session ids are 32 random bytes, base64url; anything else is not looked up at all. */
export const isSessionId = (id: string | undefined): id is string => !!id && /^[A-Za-z0-9_-]{43}$/.test(id);
