import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics: requests per tenant (errors are their `5xx` status class), latency of the
 * platform, jobs by outcome, plus the process's own; the queues' depth ({@link QueueMetrics}) and
 * the hand-offs' dead letters (the operations lib) register here too. Latency
 * has no tenant label: a histogram per tenant is a dozen series each, and with thousands of tenants
 * a scrape would take longer than the requests it measures.
 */
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
    help: 'HTTP request latency',
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

  observeRequest(tenant: string, method: string, status: number, seconds: number): void {
    const statusClass = `${Math.floor(status / 100)}xx`;
    const key = `${tenant} ${method} ${statusClass}`;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = this.requests.labels({ tenant, method, status: statusClass });
      this.counters.set(key, counter);
    }
    counter.inc();
    this.latency.observe(seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
