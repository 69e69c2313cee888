import { Injectable } from '@nestjs/common';
import { JobHandler, type JobHandlerClass, type JobPayload } from '@hivehub/jobs';
import { NodeIdentity } from '../node/node-identity.provider';

@Injectable()
@JobHandler('node.ping')
export class NodePingHandler implements JobHandlerClass<'node.ping'> {
  constructor(private readonly identity: NodeIdentity) {}

  async handle({ pingId }: JobPayload<'node.ping'>) {
    return { ping_id: pingId, node_id: this.identity.id, handled_at: new Date().toISOString() };
  }
}
