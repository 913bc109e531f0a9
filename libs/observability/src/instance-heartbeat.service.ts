import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { InstanceRecord, InstancesRepository } from './instances.repository';

/** How often an instance reports that it lives. */
export const HEARTBEAT_MS = 10_000;
/** An instance not heard of for this long is stale: three beats missed. */
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS + 5_000;
/** A stale instance is forgotten after a day. */
const FORGET_AFTER_S = 24 * 3600;

/** The platform's version, as its package names it. */
export function platformVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Reports this process to the operator: portal and worker each call {@link start} once they run,
 * and then write their row every {@link HEARTBEAT_MS}. The reports go through PostgreSQL rather
 * than Redis: the embedded mode has no Redis, and the console reads them with the rest of its
 * figures. A beat that fails (the database is away) is logged and tried again at the next one.
 */
@Injectable()
export class InstanceHeartbeat implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InstanceHeartbeat.name);
  private timer?: NodeJS.Timeout;
  private instance?: Omit<InstanceRecord, 'lastSeen'>;

  constructor(private readonly instances: InstancesRepository) {}

  /** The id of this process once it reports. */
  get id(): string | undefined {
    return this.instance?.id;
  }

  async start(kind: InstanceRecord['kind']): Promise<void> {
    if (this.instance) return;
    const host = hostname();
    this.instance = {
      id: `${kind}-${host}-${process.pid}-${randomBytes(3).toString('hex')}`,
      kind,
      host,
      pid: process.pid,
      version: platformVersion(),
      startedAt: new Date(),
    };
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (!this.instance) return;
    try {
      await this.instances.beat(this.instance);
      if (Math.random() < 0.01) await this.instances.prune(FORGET_AFTER_S);
    } catch (error) {
      this.logger.warn({ err: error, instance: this.instance.id }, 'heartbeat not written');
    }
  }

  /** Before the database closes: an instance that stops in order leaves no stale row. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const id = this.instance?.id;
    this.instance = undefined;
    if (!id) return;
    try {
      await this.instances.remove(id);
    } catch (error) {
      this.logger.warn({ err: error, instance: id }, 'instance not removed; it shows as stale until forgotten');
    }
  }
}
