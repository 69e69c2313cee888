import { CanActivate, ExecutionContext, Injectable, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { secretsEqual } from '@hivehub/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { ClusterSecretRepository } from '@hivehub/db';

/** Only the control plane, holding the node token, may call a node's internal API. */
@Injectable()
export class NodeTokenGuard implements CanActivate, OnModuleInit {
  private token: string;

  constructor(
    @InjectConfig('cluster') private readonly cluster: ClusterConfig,
    private readonly secrets: ClusterSecretRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.token = await this.secrets.nodeToken(this.cluster.nodeToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!given || !secretsEqual(given, this.token)) throw new UnauthorizedException('node token required');
    return true;
  }
}
