export * from './health.service';
export * from './logger';
export * from './metrics.service';
export * from './observability.module';
export * from './instance-heartbeat.service';
export * from './instances.repository';
export * from './queue-metrics.service';
