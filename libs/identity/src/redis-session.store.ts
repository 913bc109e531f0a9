import { OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { closeRedis, redisConnection } from '@openrathaus/jobs';
import { SessionData, SessionStore } from './session-store.port';

/** Sessions as Redis keys that expire with them. */
export class RedisSessionStore implements SessionStore, OnApplicationShutdown {
  private readonly redis: IORedis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = redisConnection(url, { maxRetriesPerRequest: 3 }, 'sessions');
  }

  async get(id: string): Promise<SessionData | undefined> {
    const text = await this.redis.get(this.key(id));
    return text ? (JSON.parse(text) as SessionData) : undefined;
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(data), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  close(): Promise<void> {
    return closeRedis(this.redis);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private key(id: string): string {
    return `${this.prefix}:session:${id}`;
  }
}
