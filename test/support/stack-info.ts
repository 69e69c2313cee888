/** What global-setup tells the specs about the running stack (through one env variable). */
export const STACK_ENV_KEY = 'HIVEHUB_TEST_STACK';

export interface StackInfo {
  /** Scratch dir of this run (logs, data dirs). */
  dir: string;
  /** The environment the api and worker run with, for specs that start more processes. */
  env: Record<string, string>;
  apiUrl: string;
  adminToken: string;
  serviceKey: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __HIVEHUB_STACK__: unknown;
}

export function stackInfo(): StackInfo {
  const raw = process.env[STACK_ENV_KEY];
  if (!raw) throw new Error('the test stack is not running: run the suite with `npm test` (jest globalSetup starts it)');
  return JSON.parse(raw) as StackInfo;
}
