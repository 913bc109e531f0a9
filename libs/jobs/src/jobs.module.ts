import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { JobQueues } from './job-queues.service';
import { JobWorkers, JobsModuleOptions } from './job-workers.service';
import { JobOutcomes } from './job-outcomes';
import { Outbox } from './outbox.service';
import { QueueInspector } from './queue-inspector.service';
import { OutboxRepository } from './outbox.repository';
import { JOBS_OPTIONS, NOTIFICATION_BUS, QUEUE_BACKEND } from './jobs.tokens';
import { NotificationBus, PolledNotificationBus, RedisNotificationBus } from './notification-bus';
import { QueueBackend, postgresQueueBackend, redisQueueBackend } from './queue-backend';

@Injectable()
class BackendCloser implements OnApplicationShutdown {
  constructor(
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(NOTIFICATION_BUS) private readonly bus: NotificationBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.backend.close();
  }
}

/** Queues, workers and the notification bus, on Redis or on PostgreSQL as the configuration says. */
@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsModuleOptions): DynamicModule {
    return {
      module: JobsModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: JOBS_OPTIONS, useValue: options },
        {
          provide: QUEUE_BACKEND,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): Promise<QueueBackend> | QueueBackend => {
            if (config.redisUrl) return redisQueueBackend(config.redisUrl, config.queuePrefix);
            // The application's role, never the owner's: the owner laid out the queue store when it migrated.
            if (!config.databaseUrl) throw new Error('no database for the queues');
            return postgresQueueBackend(config.databaseUrl, config.embedded);
          },
        },
        {
          provide: NOTIFICATION_BUS,
          inject: [APP_CONFIG, DataSource],
          useFactory: async (config: AppConfig, dataSource: DataSource): Promise<NotificationBus> => {
            if (config.redisUrl) return new RedisNotificationBus(config.redisUrl, config.queuePrefix);
            const bus = new PolledNotificationBus(dataSource);
            await bus.start();
            return bus;
          },
        },
        JobQueues,
        JobWorkers,
        JobOutcomes,
        QueueInspector,
        Outbox,
        OutboxRepository,
        BackendCloser,
      ],
      exports: [JobQueues, JobOutcomes, QueueInspector, Outbox, QUEUE_BACKEND, NOTIFICATION_BUS, JOBS_OPTIONS],
    };
  }
}
