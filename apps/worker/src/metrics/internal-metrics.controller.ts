import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { PROMETHEUS_CONTENT_TYPE } from '@hivehub/common';

/** The node's own metrics, on its internal port (like /health there): shard ops, jobs, the process. */
@Controller('metrics')
export class InternalMetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
