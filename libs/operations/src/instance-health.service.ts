import { Injectable } from '@nestjs/common';
import { HEARTBEAT_MS, InstanceRecord, InstancesRepository, STALE_AFTER_MS } from '@openrathaus/observability';

/** An instance as the console shows it: stale when its heartbeat stopped. */
export interface InstanceView extends InstanceRecord {
  stale: boolean;
  /** Seconds since its last heartbeat, by the database's clock. */
  silentSeconds: number;
}

/** The running portal and worker instances, from their heartbeats (`libs/observability`). */
@Injectable()
export class InstanceHealth {
  constructor(private readonly instances: InstancesRepository) {}

  async list(): Promise<{
    checkedAt: Date;
    heartbeatSeconds: number;
    staleAfterSeconds: number;
    instances: InstanceView[];
  }> {
    const { now, instances } = await this.instances.list();
    return {
      checkedAt: now,
      heartbeatSeconds: HEARTBEAT_MS / 1000,
      staleAfterSeconds: STALE_AFTER_MS / 1000,
      instances: instances.map((i) => {
        const silent = now.getTime() - i.lastSeen.getTime();
        return { ...i, stale: silent > STALE_AFTER_MS, silentSeconds: Math.max(0, Math.round(silent / 1000)) };
      }),
    };
  }
}
