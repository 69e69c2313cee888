import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@hivehub/common';
import { ConfigError, loadDotEnv } from '@hivehub/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureHttpApp, httpAdapter } from './http/http-app';
import { mountOpenApi } from './openapi';
import { QdrantSearchRoute } from './qdrant/qdrant-search.route';
import { loadApiSettings } from './settings';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const settings = loadApiSettings();
  const logger = createLogger(settings.log, 'api');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(settings), httpAdapter(settings.api.bodyLimit), { logger, bodyParser: false });
  configureHttpApp(app);
  app.get(QdrantSearchRoute).serveFirstOn(app);
  app.enableShutdownHooks();
  mountOpenApi(app);
  await app.listen(settings.api.port, settings.api.host);
  const url = `http://${settings.api.host === '0.0.0.0' ? '127.0.0.1' : settings.api.host}:${(app.getHttpServer().address() as AddressInfo).port}`;
  logger.log(`listening on ${url} (OpenAPI at ${url}/docs, readiness at ${url}/health/ready)`);
}

bootstrap().catch((err) => {
  // A bad setting names every bad key; anything else is a real start-up failure.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
