import { UnauthorizedException } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { ApiConfig } from '@hivehub/config';
import { MetricsController } from './metrics.controller';

const TOKEN = 'metrics-token-0123456789';

function controller(metricsToken?: string) {
  const registry = new Registry();
  new Gauge({ name: 'probe_value', help: 'a probe', registers: [registry] }).set(7);
  return new MetricsController(registry, { metricsToken } as ApiConfig);
}
const request = (authorization?: string) => ({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

describe('GET /metrics', () => {
  it('is open when METRICS_TOKEN is unset', async () => {
    expect(await controller().scrape(request())).toContain('probe_value 7');
  });

  it('demands METRICS_TOKEN as a Bearer token when it is set', async () => {
    const c = controller(TOKEN);
    await expect(c.scrape(request())).rejects.toThrow(UnauthorizedException);
    await expect(c.scrape(request('Bearer wrong-token-0123456789'))).rejects.toThrow('METRICS_TOKEN required');
    expect(await c.scrape(request(`Bearer ${TOKEN}`))).toContain('probe_value 7');
  });
});
