import { rmSync } from 'node:fs';
import type { RunningProcess } from '../support/processes';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__HIVEHUB_STACK__ as
    | { s3: { stop(): Promise<void> }; processes: RunningProcess[]; dir: string }
    | undefined;
  if (!stack) return;
  await Promise.all(stack.processes.map((p) => p.stop()));
  await stack.s3.stop();
  if (!process.env.KEEP_TEST_DIR) rmSync(stack.dir, { recursive: true, force: true });
}
