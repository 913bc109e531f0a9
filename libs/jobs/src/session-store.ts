import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { closeRedis, redisConnection } from './queue-backend';

export type SessionData = Record<string, unknown>;

/**
 * Server-side sessions, shared by every instance: Redis in production, a table where there is no
 * Redis. The callback shape is the one `@fastify/session` expects of a store, so the identity lib
 * plugs it in as it is; a session is dropped when its time runs out.
 */
export interface SessionStore {
  get(id: string, callback: (error: unknown, session?: SessionData | null) => void): void;
  set(id: string, session: SessionData, callback: (error?: unknown) => void): void;
  destroy(id: string, callback: (error?: unknown) => void): void;
  close(): Promise<void>;
}

/** How long a session lives without a write: its cookie's maxAge when it has one. */
const ttlSeconds = (session: SessionData, fallback: number): number => {
  const maxAge = (session.cookie as { originalMaxAge?: number } | undefined)?.originalMaxAge;
  return typeof maxAge === 'number' && maxAge > 0 ? Math.ceil(maxAge / 1000) : fallback;
};

const done =
  <T>(callback: (error: unknown, value?: T) => void) =>
  (promise: Promise<T>): void => {
    promise.then(
      (value) => callback(null, value),
      (error: unknown) => callback(error),
    );
  };

export class RedisSessionStore implements SessionStore {
  private readonly redis: IORedis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly defaultTtl = 8 * 3600,
  ) {
    this.redis = redisConnection(url, { maxRetriesPerRequest: 3 }, 'sessions');
  }

  get(id: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    done(callback)(this.redis.get(this.key(id)).then((text) => (text ? (JSON.parse(text) as SessionData) : null)));
  }

  set(id: string, session: SessionData, callback: (error?: unknown) => void): void {
    done(callback)(this.redis.set(this.key(id), JSON.stringify(session), 'EX', ttlSeconds(session, this.defaultTtl)));
  }

  destroy(id: string, callback: (error?: unknown) => void): void {
    done(callback)(this.redis.del(this.key(id)));
  }

  close(): Promise<void> {
    return closeRedis(this.redis);
  }

  private key(id: string): string {
    return `${this.prefix}:session:${id}`;
  }
}

export class PostgresSessionStore implements SessionStore {
  private writes = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaultTtl = 8 * 3600,
  ) {}

  get(id: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    done(callback)(
      this.dataSource
        .query<{ data: SessionData }[]>(`select data from public.sessions where id = $1 and expires_at > now()`, [id])
        .then((rows) => rows[0]?.data ?? null),
    );
  }

  set(id: string, session: SessionData, callback: (error?: unknown) => void): void {
    done(callback)(this.write(id, session));
  }

  destroy(id: string, callback: (error?: unknown) => void): void {
    done(callback)(this.dataSource.query(`delete from public.sessions where id = $1`, [id]));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async write(id: string, session: SessionData): Promise<void> {
    await this.dataSource.query(
      `insert into public.sessions (id, data, expires_at) values ($1, $2, now() + make_interval(secs => $3))
       on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at`,
      [id, JSON.stringify(session), ttlSeconds(session, this.defaultTtl)],
    );
    // Expired sessions are swept now and then by whoever writes, instead of by a timer of its own.
    if (++this.writes % 500 === 0) await this.dataSource.query(`delete from public.sessions where expires_at < now()`);
  }
}
