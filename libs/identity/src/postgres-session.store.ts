import { DataSource } from 'typeorm';
import { SessionData, SessionStore } from './session-store.port';

/**
 * Sessions in the `sessions` table, for the embedded mode. The table has no tenant: a session is
 * found by its random id, and the tenant check is the caller's.
 */
export class PostgresSessionStore implements SessionStore {
  private writes = 0;

  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<SessionData | undefined> {
    const rows = await this.dataSource.query<{ data: SessionData }[]>(
      `select data from public.sessions where id = $1 and expires_at > now()`,
      [id],
    );
    return rows[0]?.data;
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `insert into public.sessions (id, data, expires_at) values ($1, $2, now() + make_interval(secs => $3))
       on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at`,
      [id, JSON.stringify(data), Math.max(1, Math.ceil(ttlSeconds))],
    );
    // Expired sessions are swept now and then by whoever writes, instead of by a timer of its own.
    if (++this.writes % 500 === 0) await this.dataSource.query(`delete from public.sessions where expires_at < now()`);
  }

  async destroy(id: string): Promise<void> {
    await this.dataSource.query(`delete from public.sessions where id = $1`, [id]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
