import { Global, Module } from '@nestjs/common';
import { Health } from './health.service';
import { InstanceHeartbeat } from './instance-heartbeat.service';
import { InstancesRepository } from './instances.repository';
import { Metrics } from './metrics.service';
import { QueueMetrics } from './queue-metrics.service';

@Global()
@Module({
  providers: [Metrics, Health, InstancesRepository, InstanceHeartbeat, QueueMetrics],
  exports: [Metrics, Health, InstancesRepository, InstanceHeartbeat],
})
export class ObservabilityModule {}
