import { Controller, Get } from '@nestjs/common';
import { NodeIdentity } from './node/node-identity.provider';

/** The node's own liveness, on its internal port. */
@Controller('health')
export class InternalHealthController {
  constructor(private readonly identity: NodeIdentity) {}

  @Get()
  live() {
    return { status: 'ok', node_id: this.identity.id, version: this.identity.version };
  }
}
