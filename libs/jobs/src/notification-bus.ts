import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { closeRedis, redisConnection } from './queue-backend';

export type NotificationHandler = (payload: Record<string, string>) => void | Promise<void>;

/**
 * Tells every running instance that something changed (a tenant, say). Redis pub/sub in
 * production; a polled table where there is no Redis (the embedded mode), since the embedded
 * database does not deliver LISTEN/NOTIFY across connections.
 */
export interface NotificationBus {
  publish(channel: string, payload: Record<string, string>): Promise<void>;
  subscribe(channel: string, handler: NotificationHandler): void;
  close(): Promise<void>;
}

const logger = new Logger('NotificationBus');

abstract class HandlerSet {
  protected readonly handlers = new Map<string, NotificationHandler[]>();

  subscribe(channel: string, handler: NotificationHandler): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
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

export class RedisNotificationBus extends HandlerSet implements NotificationBus {
  private readonly publisher: IORedis;
  private readonly subscriber: IORedis;
  private readonly prefix: string;

  constructor(url: string, prefix: string) {
    super();
    this.prefix = `${prefix}:notify:`;
    this.publisher = redisConnection(url, { maxRetriesPerRequest: 3 }, 'notifications');
    this.subscriber = redisConnection(url, {}, 'notification subscriber');
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
  }

  override subscribe(channel: string, handler: NotificationHandler): void {
    if (!this.handlers.has(channel)) {
      // A refused subscription is logged; ioredis subscribes again when it reconnects.
      this.subscriber
        .subscribe(this.prefix + channel)
        .catch((error: unknown) => logger.warn({ err: error, channel }, 'subscription failed'));
    }
    super.subscribe(channel, handler);
  }

  async publish(channel: string, payload: Record<string, string>): Promise<void> {
    await this.publisher.publish(this.prefix + channel, JSON.stringify(payload));
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }
}

export class PolledNotificationBus extends HandlerSet implements NotificationBus {
  private lastId: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private polls = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly intervalMs = 1000,
  ) {
    super();
  }

  async publish(channel: string, payload: Record<string, string>): Promise<void> {
    await this.dataSource.query(`insert into public.notifications (channel, payload) values ($1, $2)`, [
      channel,
      JSON.stringify(payload),
    ]);
  }

  /** Starts polling; notifications older than the start are not replayed. */
  async start(): Promise<void> {
    const rows = (await this.dataSource.query<unknown>(
      `select coalesce(max(id), 0)::int as id from public.notifications`,
    )) as {
      id: number;
    }[];
    this.lastId = rows[0].id;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** Reads what arrived since the last poll; exposed so tests need not wait for the timer. */
  async poll(): Promise<void> {
    if (this.polling || this.lastId === undefined || !this.dataSource.isInitialized) return;
    this.polling = true;
    try {
      const rows = (await this.dataSource.query<unknown>(
        `select id::int as id, channel, payload from public.notifications where id > $1 order by id limit 500`,
        [this.lastId],
      )) as { id: number; channel: string; payload: Record<string, string> }[];
      for (const row of rows) {
        this.lastId = row.id;
        await this.deliver(row.channel, row.payload);
      }
      if (++this.polls % 600 === 0) {
        await this.dataSource.query(`delete from public.notifications where created_at < now() - interval '1 hour'`);
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
