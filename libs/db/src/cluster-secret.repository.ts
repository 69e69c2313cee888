import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PrismaService } from './prisma.service';

@Injectable()
export class ClusterSecretRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The secret called `name`; the first caller's `fresh` value wins a race. */
  async getOrCreate(name: string, fresh: string): Promise<string> {
    await this.prisma.$executeRaw`
      INSERT INTO cluster_secrets (name, value, created_at) VALUES (${name}, ${fresh}, now())
      ON CONFLICT (name) DO NOTHING`;
    const row = await this.prisma.clusterSecret.findUniqueOrThrow({ where: { name } });
    return row.value;
  }

  /**
   * The bearer token of the nodes' internal API: NODE_TOKEN when set (then it must be
   * set alike on every process), else one generated once and shared through PostgreSQL.
   */
  async nodeToken(configured: string | undefined): Promise<string> {
    return configured ?? this.getOrCreate('node_token', randomBytes(32).toString('base64url'));
  }
}
