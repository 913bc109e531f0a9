import { Global, Module } from '@nestjs/common';
import { Health } from './health.service';
import { Metrics } from './metrics.service';

@Global()
@Module({ providers: [Metrics, Health], exports: [Metrics, Health] })
export class ObservabilityModule {}
