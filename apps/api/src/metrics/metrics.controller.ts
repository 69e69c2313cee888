import { Controller, Get, Header, Req, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { PROMETHEUS_CONTENT_TYPE, secretsEqual } from '@hivehub/common';
import { type ApiConfig, InjectConfig } from '@hivehub/config';
import { bearerToken } from '../auth/credentials';
import type { HttpRequest } from '../http/http-request';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly registry: Registry,
    @InjectConfig('api') private readonly api: ApiConfig,
  ) {}

  @Get()
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics (text format); with METRICS_TOKEN set, a scrape must send it as a Bearer token' })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  async scrape(@Req() req: HttpRequest): Promise<string> {
    const token = this.api.metricsToken;
    if (token !== undefined) {
      const given = bearerToken(req);
      if (given === undefined || !secretsEqual(given, token)) throw new UnauthorizedException('METRICS_TOKEN required as a Bearer token');
    }
    return this.registry.metrics();
  }
}
