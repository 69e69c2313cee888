import { Injectable, OnModuleInit } from '@nestjs/common';
import { secretMatcher } from '@hivehub/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { ClusterSecretRepository } from '@hivehub/db';

/** Only the control plane, holding the node token, may call a node's internal API. */
@Injectable()
export class NodeToken implements OnModuleInit {
  private matches: (given: string) => boolean;

  constructor(
    @InjectConfig('cluster') private readonly cluster: ClusterConfig,
    private readonly secrets: ClusterSecretRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.matches = secretMatcher(await this.secrets.nodeToken(this.cluster.nodeToken));
  }

  /** Whether an Authorization header carries the node token (compared in constant time). */
  accepts(authorization: string | undefined): boolean {
    const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return given !== undefined && this.matches(given);
  }
}
