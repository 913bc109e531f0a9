import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QUEUE_BACKEND, QueueBackend } from '@openrathaus/jobs';

export interface HealthReport {
  status: 'ok' | 'down';
  checks: Record<string, { status: 'up' | 'down'; kind?: string; error?: string; ms: number }>;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The state of PostgreSQL and of the queue store (Redis, or PostgreSQL in embedded mode). */
@Injectable()
export class Health {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUEUE_BACKEND) private readonly queues: QueueBackend,
  ) {}

  async check(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    const probe = async (name: string, kind: string, fn: () => Promise<unknown>) => {
      const started = performance.now();
      try {
        await withTimeout(fn(), 2000);
        checks[name] = { status: 'up', kind, ms: Math.round(performance.now() - started) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        checks[name] = { status: 'down', kind, error: message, ms: Math.round(performance.now() - started) };
      }
    };
    await Promise.all([
      probe('postgres', 'postgres', () => this.dataSource.query('select 1')),
      probe(this.queues.kind === 'redis' ? 'redis' : 'queues', this.queues.kind, () => this.queues.ping()),
    ]);
    const down = Object.values(checks).some((c) => c.status === 'down');
    return { status: down ? 'down' : 'ok', checks };
  }
}
