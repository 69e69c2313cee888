import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, serveFirst } from '@hivehub/common';
import { ConfigError, loadDotEnv } from '@hivehub/config';
import { JobRunner } from './jobs/job-runner.service';
import { NodeRegistration } from './node/node-registration.service';
import { loadWorkerSettings } from './settings';
import { InternalShardsRoute } from './shards/internal-shards.route';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const settings = loadWorkerSettings();
  const logger = createLogger(settings.log, 'worker');
  const app = await NestFactory.create<NestExpressApplication>(WorkerModule.with(settings), { logger, bodyParser: false });
  app.enableShutdownHooks();
  serveFirst(app.getHttpServer(), app.get(InternalShardsRoute));
  await app.listen(settings.worker.port, settings.worker.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const address = settings.worker.advertiseUrl ?? `http://${settings.worker.host}:${port}`;
  // Register only once the internal port answers, then take jobs.
  await app.get(NodeRegistration).start(address);
  app.get(JobRunner).start();
}

bootstrap().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
