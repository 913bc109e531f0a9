import { DataSource } from 'typeorm';

/** A notification as the polled bus reads it back. */
export interface NotificationRow {
  id: number;
  channel: string;
  payload: Record<string, string>;
}

/** The owner of `notifications`, the table the polled bus publishes through. */
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  get ready(): boolean {
    return this.dataSource.isInitialized;
  }

  async add(channel: string, payload: Record<string, string>): Promise<void> {
    await this.dataSource.query(`insert into public.notifications (channel, payload) values ($1, $2)`, [
      channel,
      JSON.stringify(payload),
    ]);
  }

  /** The newest notification's id, 0 when there is none. */
  async lastId(): Promise<number> {
    const rows = (await this.dataSource.query<unknown>(
      `select coalesce(max(id), 0)::int as id from public.notifications`,
    )) as { id: number }[];
    return rows[0].id;
  }

  /** Up to `limit` notifications after `id`, oldest first. */
  async after(id: number, limit: number): Promise<NotificationRow[]> {
    return (await this.dataSource.query<unknown>(
      `select id::int as id, channel, payload from public.notifications where id > $1 order by id limit $2`,
      [id, limit],
    )) as NotificationRow[];
  }

  /** Drops notifications older than an hour: every instance has read them by then. */
  async prune(): Promise<void> {
    await this.dataSource.query(`delete from public.notifications where created_at < now() - interval '1 hour'`);
  }
}
