import { NestFactory } from '@nestjs/core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stackInfo } from '../../../../test/support/stack-info';
import { loadWorkerSettings } from '../settings';
import { JOB_HANDLERS, WorkerModule } from '../worker.module';

describe('worker boot check', () => {
  // The test stack's database and Redis; a data dir of its own.
  const settings = () =>
    loadWorkerSettings({ ...stackInfo().env, STORAGE_DRIVER: 'fs', NODE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'hivehub-node-')), STORAGE_DIR: os.tmpdir() });

  // Refused before any module is built, so nothing has connected to PostgreSQL or Redis.
  it('refuses to start when a job has no handler', () => {
    expect(() => WorkerModule.with(settings(), [])).toThrow("job 'node.ping' has no handler");
  });

  it('starts when every job has exactly one handler', async () => {
    const app = await NestFactory.createApplicationContext(WorkerModule.with(settings(), JOB_HANDLERS), { logger: false });
    await app.close();
  });

  it('refuses two handlers for one job', () => {
    expect(() => WorkerModule.with(settings(), [...JOB_HANDLERS, class Twin extends JOB_HANDLERS[0] {}])).toThrow("job 'node.ping' has 2 handlers");
  });
});
