import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { NotificationsRepository } from './notifications.repository';
import { closeRedis, redisConnection } from './queue-backend';

export type NotificationHandler = (payload: Record<string, string>) => void | Promise<void>;
export type OutageHandler = () => void | Promise<void>;

/**
 * Tells every running instance that something changed (a tenant, say). Redis pub/sub in
 * production; a polled table where there is no Redis (the embedded mode), since the embedded
 * database does not deliver LISTEN/NOTIFY across connections.
 */
export interface NotificationBus {
  publish(channel: string, payload: Record<string, string>): Promise<void>;
  subscribe(channel: string, handler: NotificationHandler): void;
  /**
   * Called when the bus is connected again after it lost its connection: what was published
   * meanwhile did not arrive, so a subscriber reloads what it keeps (every tenant, say).
   */
  afterOutage(handler: OutageHandler): void;
  close(): Promise<void>;
}

const logger = new Logger('NotificationBus');

abstract class HandlerSet {
  protected readonly handlers = new Map<string, NotificationHandler[]>();
  protected readonly outageHandlers: OutageHandler[] = [];

  subscribe(channel: string, handler: NotificationHandler): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  afterOutage(handler: OutageHandler): void {
    this.outageHandlers.push(handler);
  }

  private readonly retries = new Set<NodeJS.Timeout>();
  private closed = false;

  /**
   * Runs every outage handler; one that fails (the database away too) is run again every 2 s
   * until it succeeds or the bus closes, so the instance does not stay on what it missed.
   */
  protected async recover(handlers = this.outageHandlers): Promise<void> {
    const failed: OutageHandler[] = [];
    for (const handler of handlers) {
      try {
        await handler();
      } catch (error) {
        logger.error({ err: error }, 'recovery after a notification outage failed; trying again in 2 s');
        failed.push(handler);
      }
    }
    if (!failed.length || this.closed) return;
    const retry = setTimeout(() => {
      this.retries.delete(retry);
      void this.recover(failed);
    }, 2_000);
    this.retries.add(retry);
  }

  protected stopRecovery(): void {
    this.closed = true;
    for (const retry of this.retries) clearTimeout(retry);
  }

  protected async deliver(channel: string, payload: Record<string, string>): Promise<void> {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        await handler(payload);
      } catch (error) {
        logger.error({ err: error, channel }, 'notification handler failed');
      }
    }
  }
}

/**
 * Subscribes only on a connection that is ready, and again on every reconnect: a SUBSCRIBE sent
 * while ioredis still runs its handshake switches the connection to subscriber mode before its
 * ready check, which then fails and loses the subscription (ioredis issue 2037), so an instance
 * started at the wrong moment would never hear of a changed tenant.
 */
export class RedisNotificationBus extends HandlerSet implements NotificationBus {
  private readonly publisher: IORedis;
  private readonly subscriber: IORedis;
  private readonly prefix: string;
  /** Set when the connection broke or could not be made: the next ready one follows an outage. */
  private away = false;

  constructor(url: string, prefix: string) {
    super();
    this.prefix = `${prefix}:notify:`;
    this.publisher = redisConnection(url, { maxRetriesPerRequest: 3 }, 'notifications');
    this.subscriber = redisConnection(url, { autoResubscribe: false }, 'notification subscriber');
    this.subscriber.on('message', (channel: string, message: string) => {
      let payload: Record<string, string>;
      try {
        payload = JSON.parse(message) as Record<string, string>;
      } catch {
        logger.warn({ channel }, 'notification is not JSON; ignored');
        return;
      }
      void this.deliver(channel.slice(this.prefix.length), payload);
    });
    // Emitted when a connection closed or could not be made, the first one included: an instance
    // that started while Redis was down loaded its tenants from the database before it could hear.
    this.subscriber.on('reconnecting', () => {
      this.away = true;
    });
    this.subscriber.on('ready', () => {
      this.listen([...this.handlers.keys()]);
      if (!this.away) return;
      this.away = false;
      logger.warn('notification bus connected again; reloading what may have changed meanwhile');
      void this.recover();
    });
  }

  override subscribe(channel: string, handler: NotificationHandler): void {
    const first = !this.handlers.has(channel);
    super.subscribe(channel, handler);
    // Otherwise subscribed when the connection is ready.
    if (first && this.subscriber.status === 'ready') this.listen([channel]);
  }

  async publish(channel: string, payload: Record<string, string>): Promise<void> {
    await this.publisher.publish(this.prefix + channel, JSON.stringify(payload));
  }

  async close(): Promise<void> {
    this.stopRecovery();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  private listen(channels: string[]): void {
    if (!channels.length) return;
    // A refused subscription is logged; the next reconnect subscribes again.
    this.subscriber
      .subscribe(...channels.map((channel) => this.prefix + channel))
      .catch((error: unknown) => logger.error({ err: error, channels }, 'subscription failed'));
  }
}

/** Reads on from the last notification it delivered, so a failed poll loses nothing: it has no outage. */
export class PolledNotificationBus extends HandlerSet implements NotificationBus {
  private lastId: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private polls = 0;
  private readonly notifications: NotificationsRepository;

  constructor(
    dataSource: DataSource,
    private readonly intervalMs = 1000,
  ) {
    super();
    this.notifications = new NotificationsRepository(dataSource);
  }

  publish(channel: string, payload: Record<string, string>): Promise<void> {
    return this.notifications.add(channel, payload);
  }

  /** Starts polling; notifications older than the start are not replayed. */
  async start(): Promise<void> {
    this.lastId = await this.notifications.lastId();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** Reads what arrived since the last poll; exposed so tests need not wait for the timer. */
  async poll(): Promise<void> {
    if (this.polling || this.lastId === undefined || !this.notifications.ready) return;
    this.polling = true;
    try {
      const rows = await this.notifications.after(this.lastId, 500);
      for (const row of rows) {
        this.lastId = row.id;
        await this.deliver(row.channel, row.payload);
      }
      if (++this.polls % 600 === 0) {
        await this.notifications.prune();
      }
    } catch (error) {
      logger.warn({ err: error }, 'notification poll failed');
    } finally {
      this.polling = false;
    }
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    return Promise.resolve();
  }
}
