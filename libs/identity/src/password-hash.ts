import { Inject, Injectable } from '@nestjs/common';
import { argon2id, hash, verify } from 'argon2';
import { APP_CONFIG, AppConfig, ConcurrencyGate } from '@openrathaus/core';

/**
 * argon2id with the library's defaults (19 MiB, two passes): the OWASP recommendation. Each hash
 * takes a core for tens of milliseconds, so only a few run at once (`PASSWORD_HASH_CONCURRENCY`)
 * and a bounded line waits (`PASSWORD_HASH_QUEUE`): a flood of logins queues, then gets 503,
 * instead of starving every tenant's pages.
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
    return this.gate.run(() => hash(password, { type: argon2id }));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.gate.run(() => verify(passwordHash, password));
  }

  /** Spends the time of one password check and answers false. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('not a password');
    await this.verify(await this.dummy, password);
    return false;
  }
}
