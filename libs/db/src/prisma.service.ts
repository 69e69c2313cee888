import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { InjectConfig, type DatabaseConfig } from '@hivehub/config';
import { PrismaClient } from './generated/prisma/client';

/** The one Prisma client of a process. Only repositories in this library use it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@InjectConfig('database') database: DatabaseConfig) {
    super({ adapter: new PrismaPg({ connectionString: database.url, max: 10, connectionTimeoutMillis: 5000 }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }

  /** Throws when PostgreSQL cannot answer a trivial query; used by readiness. */
  async check(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
