import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>`; use path-style addressing and any credentials (S3RVER/S3RVER). */
  endpoint: string;
  stop(): Promise<void>;
}

// Runs in the child. s3rver signs its ListObjectsV2 continuation tokens with DES,
// which OpenSSL 3 only offers through the legacy provider, hence the separate
// process started with --openssl-legacy-provider instead of an in-process server.
// The child exits when its stdin closes, so it cannot outlive a parent that dies
// without calling stop().
const CHILD_SCRIPT = `
const S3rver = require(process.argv[1]);
const opts = JSON.parse(process.argv[2]);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
new S3rver(opts).run().catch((err) => {
  process.stderr.write(String((err && err.stack) || err));
  process.exit(1);
});
`;

const STDERR_TAIL_BYTES = 4096;
const START_TIMEOUT_MS = 15_000;

/** Starts a real S3-compatible server (s3rver) with `bucket` already created. */
export async function startS3rver(opts: { dir: string; bucket: string }): Promise<S3rverHandle> {
  const port = await freePort();
  const serverOptions = {
    address: '127.0.0.1',
    port,
    directory: opts.dir,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [] }],
  };
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', CHILD_SCRIPT, require.resolve('s3rver'), JSON.stringify(serverOptions)],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );

  // Only the tail of stderr is kept: enough to explain a failed start, never unbounded.
  let stderrTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnParentExit = () => child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  const stop = async () => {
    process.removeListener('exit', killOnParentExit);
    await terminate(child, exited);
  };

  try {
    await waitForPort(port, child, () => stderrTail);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`s3rver exited during start (code ${child.exitCode}, signal ${child.signalCode}): ${stderr()}`);
    }
    if (await canConnect(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`s3rver did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms: ${stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
