import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics: requests and latency per tenant, plus the process's own. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'openrathaus_http_requests_total',
    help: 'HTTP requests by tenant, method and status class',
    labelNames: ['tenant', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'openrathaus_http_request_duration_seconds',
    help: 'HTTP request latency by tenant',
    labelNames: ['tenant'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'openrathaus_jobs_total',
    help: 'Background jobs by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Label lookups hash their label object on every call; the children are kept per label set.
  private readonly counters = new Map<string, { inc(): void }>();
  private readonly timers = new Map<string, { observe(value: number): void }>();

  observeRequest(tenant: string, method: string, status: number, seconds: number): void {
    const statusClass = `${Math.floor(status / 100)}xx`;
    const key = `${tenant} ${method} ${statusClass}`;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = this.requests.labels({ tenant, method, status: statusClass });
      this.counters.set(key, counter);
    }
    counter.inc();
    let timer = this.timers.get(tenant);
    if (!timer) {
      timer = this.latency.labels({ tenant });
      this.timers.set(tenant, timer);
    }
    timer.observe(seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
