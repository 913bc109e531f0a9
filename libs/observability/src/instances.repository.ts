import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ROLE } from '@openrathaus/database';

/** A running (or once running) portal or worker process, as its heartbeat reported it. */
export interface InstanceRecord {
  id: string;
  kind: 'portal' | 'worker';
  host: string;
  pid: number;
  version: string;
  startedAt: Date;
  lastSeen: Date;
}

interface InstanceRow {
  id: string;
  kind: 'portal' | 'worker';
  host: string;
  pid: number;
  version: string;
  started_at: Date;
  last_seen: Date;
}

/**
 * The owner of `instances`: a platform table without tenant data, written by each process about
 * itself. Statements run as the application role in every mode, so the embedded superuser does
 * what production's role does.
 */
@Injectable()
export class InstancesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes the instance's row, or raises its `last_seen` when it is there. */
  async beat(instance: Omit<InstanceRecord, 'lastSeen'>): Promise<void> {
    await this.asApp(
      `insert into public.instances (id, kind, host, pid, version, started_at, last_seen)
       values ($1, $2, $3, $4, $5, $6, clock_timestamp())
       on conflict (id) do update set last_seen = clock_timestamp()`,
      [instance.id, instance.kind, instance.host, instance.pid, instance.version, instance.startedAt],
    );
  }

  /** Removes an instance that stops in order; a killed one stays, and shows as stale. */
  async remove(id: string): Promise<void> {
    await this.asApp(`delete from public.instances where id = $1`, [id]);
  }

  /** Forgets instances not seen for `seconds` (long dead: a restart gives a process a new id). */
  async prune(seconds: number): Promise<void> {
    await this.asApp(`delete from public.instances where last_seen < clock_timestamp() - make_interval(secs => $1)`, [
      seconds,
    ]);
  }

  /** Every instance with the database's clock, newest start first. */
  async list(): Promise<{ now: Date; instances: InstanceRecord[] }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true)`, [APP_ROLE]);
      const rows = await manager.query<InstanceRow[]>(
        `select id, kind, host, pid, version, started_at, last_seen from public.instances
          order by kind, started_at desc, id`,
      );
      const [{ now }] = await manager.query<{ now: Date }[]>(`select clock_timestamp() as now`);
      return {
        now,
        instances: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          host: r.host,
          pid: r.pid,
          version: r.version,
          startedAt: r.started_at,
          lastSeen: r.last_seen,
        })),
      };
    });
  }

  private asApp<R>(sql: string, params: unknown[]): Promise<R> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true)`, [APP_ROLE]);
      return manager.query<R>(sql, params);
    });
  }
}
