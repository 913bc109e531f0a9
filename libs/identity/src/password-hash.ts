import { Inject, Injectable } from '@nestjs/common';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import { APP_CONFIG, AppConfig, ConcurrencyGate } from '@openrathaus/core';

/**
 * The parameters of every new hash: argon2id with 19 MiB, two passes and one lane, OWASP's
 * recommendation (the library's defaults are 64 MiB, three passes and four lanes: about four
 * times the work for each login). A hash made with other parameters is made anew at the next
 * login that proves the password ({@link PasswordHasher.verifyAndRenew}).
 */
export const PASSWORD_HASH_OPTIONS = {
  type: argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/** What a password check found: whether it matched, and a new hash to store when the old one is outdated. */
export interface PasswordCheck {
  ok: boolean;
  renewed?: string;
}

/**
 * argon2id with {@link PASSWORD_HASH_OPTIONS}. Each hash takes a core for tens of milliseconds, so
 * only a few run at once (`PASSWORD_HASH_CONCURRENCY`) and a bounded line waits
 * (`PASSWORD_HASH_QUEUE`): a flood of logins queues, then gets 503, instead of starving every
 * tenant's pages.
 */
@Injectable()
export class PasswordHasher {
  private readonly gate: ConcurrencyGate;
  // A hash to verify against when there is no account (or it is locked), so that every case takes as long.
  private dummy: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.gate = new ConcurrencyGate('password', config.limits.hashConcurrency, config.limits.hashQueue);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, PASSWORD_HASH_OPTIONS));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.gate.run(() => verify(passwordHash, password));
  }

  /** Whether a stored hash was made with other parameters than today's. */
  outdated(passwordHash: string): boolean {
    try {
      return needsRehash(passwordHash, PASSWORD_HASH_OPTIONS);
    } catch {
      // Not a hash argon2 can read: it cannot match either, and a new one replaces it at the next change.
      return false;
    }
  }

  /**
   * Checks a password; when it matches and its hash was made with other parameters, answers a
   * new hash of it with today's, for the caller to store.
   */
  async verifyAndRenew(passwordHash: string, password: string): Promise<PasswordCheck> {
    const ok = await this.verify(passwordHash, password);
    if (!ok || !this.outdated(passwordHash)) return { ok };
    return { ok, renewed: await this.hash(password) };
  }

  /** Spends the time of one password check and answers false. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('not a password');
    await this.verify(await this.dummy, password);
    return false;
  }

  /** Hashes running and waiting now. */
  get load(): { running: number; waiting: number } {
    return this.gate.load;
  }
}
