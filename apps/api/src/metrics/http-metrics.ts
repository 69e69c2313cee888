import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { type Histogram, Registry } from 'prom-client';
import { httpDurationHistogram } from '@hivehub/common';

/** Times every request by its route template (never the raw path: that would be one series per id). */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private histogram: Histogram<'method' | 'route' | 'status'>;

  constructor(
    private readonly registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.histogram = httpDurationHistogram(this.registry);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (req, reply, done) => {
      this.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  /** One request's duration; routes served ahead of Fastify call this themselves. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.histogram.observe({ method, route, status: String(status) }, seconds);
  }
}
