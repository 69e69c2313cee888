import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the api process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL, Redis, object storage and at least one live worker node; 503 otherwise' })
  async ready(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const report = await this.readiness.check();
    res.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
