import { isIPv4, isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@openrathaus/database';
import { CitizenThrottleRepository } from './citizen-throttle.repository';

/** What is counted per client address: failed logins, and mails asked for (registration, reset). */
export type ThrottleKind = 'login' | 'mail';

/** Limits per client address and realm, in windows of {@link THROTTLE_WINDOW_MINUTES}. */
export const THROTTLE_LIMITS: Record<ThrottleKind, number> = { login: 20, mail: 30 };
export const THROTTLE_WINDOW_MINUTES = 15;

/**
 * The key of a client: its IPv4 address, or the /64 network of an IPv6 address (one connection
 * usually gets a whole /64, so single addresses in it would be free for the taking).
 */
export function clientKey(ip: string | undefined): string {
  const address = (ip ?? '').trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * A counter per realm, kind and client address in a fixed window, kept in a table (it works the
 * same with Redis and in the embedded mode without it, and row-level security keeps realms apart).
 * An attempt is counted before it is checked, in one statement, so parallel attempts cannot pass
 * the limit; a login that succeeds is given back, so only failures add up.
 */
@Injectable()
export class CitizenThrottle {
  private takes = 0;

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly counters: CitizenThrottleRepository,
  ) {}

  /** Counts one attempt; false when the client is over the limit in this window. */
  async take(realmId: string, kind: ThrottleKind, ip: string | undefined): Promise<boolean> {
    const client = clientKey(ip);
    const attempts = await this.transactions.run(realmId, async (scope) => {
      // Now and then the windows long past go, instead of a timer of their own.
      if (++this.takes % 200 === 0) await this.counters.sweep(scope);
      return this.counters.count(scope, kind, client, THROTTLE_WINDOW_MINUTES);
    });
    return attempts <= THROTTLE_LIMITS[kind];
  }

  /** Gives back an attempt that turned out well. */
  async giveBack(realmId: string, kind: ThrottleKind, ip: string | undefined): Promise<void> {
    await this.transactions.run(realmId, (scope) => this.counters.giveBack(scope, kind, clientKey(ip)));
  }
}
