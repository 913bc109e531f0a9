export * from './job.types';
export * from './jobs.error';
export * from './jobs.module';
export * from './jobs.tokens';
export * from './job-queues.service';
export * from './job-workers.service';
export * from './notification-bus';
export * from './queue-backend';
