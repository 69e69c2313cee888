import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the api process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL, Redis, object storage and at least one live worker node; 503 otherwise' })
  async ready(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const report = await this.readiness.check();
    res.status(report.status === 'ready' ? 200 : 503);
    return report;
  }

  /** Qdrant's Kubernetes probes, as Qdrant answers them, so probes written for Qdrant work unchanged. */
  @Get(['healthz', 'qdrant/healthz'])
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "Qdrant's health probe (text); the same as /health" })
  qdrantHealth() {
    return 'healthz check passed';
  }

  @Get(['livez', 'qdrant/livez'])
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "Qdrant's liveness probe (text); the same as /health" })
  qdrantLive() {
    return 'livez check passed';
  }

  @Get(['readyz', 'qdrant/readyz'])
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "Qdrant's readiness probe (text): 200 when /health/ready is, else 503 naming what is down" })
  async qdrantReady(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const report = await this.readiness.check();
    if (report.status === 'ready') return 'all shards are ready';
    res.status(503);
    const down = Object.entries(report.checks).filter(([, c]) => c.status !== 'up');
    return `not ready: ${down.map(([name, c]) => `${name} is down (${c.error ?? 'no answer'})`).join('; ')}`;
  }
}
