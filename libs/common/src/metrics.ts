import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one process. Names under `vectorizer_` are the operators'
 * guide's (its alerts use them, so they never change); the rest are HiveHub's own.
 * Labels stay low-cardinality: route templates, op and job names, status codes,
 * node ids. The one exception is the tenant label of the last-backup timestamp, so
 * a stale tenant can be alerted on.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Request durations by method, route template and status; `route` is `unmatched` for 404s of unknown paths. */
export function httpDurationHistogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  return new Histogram({
    name: 'hivehub_http_request_duration_seconds',
    help: 'HTTP request durations by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
}

/** Job durations by job name and outcome (`completed`, `failed`, `retry`, `postponed`: waiting for the shard's other job), and failures by error code. */
export function jobMetrics(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'hivehub_job_duration_seconds',
      help: 'Job run durations (one attempt) by job name and outcome (completed, failed, retry, postponed)',
      labelNames: ['job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'hivehub_job_failures_total',
      help: 'Failed job attempts by job name and error code (retry: transient, will be retried)',
      labelNames: ['job', 'code'],
      registers: [registry],
    }),
  };
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
