import path from 'node:path';
import { HIVEHUB_VERSION } from '@hivehub/common';
import type { WorkerConfig } from '@hivehub/config';
import { resolveNodeId } from './node-identity';

/** Who this node is: resolved once at boot and injected wherever it matters. */
export class NodeIdentity {
  constructor(
    readonly id: string,
    readonly dataDir: string,
    readonly version: string,
    readonly schedulable: boolean,
  ) {}

  static resolve(worker: WorkerConfig): NodeIdentity {
    const dataDir = path.resolve(worker.dataDir);
    return new NodeIdentity(resolveNodeId(dataDir, worker.nodeId), dataDir, HIVEHUB_VERSION, worker.schedulable);
  }
}
