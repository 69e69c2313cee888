import { Injectable } from '@nestjs/common';
import type { AuditEvent, Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { AuditEvent };

export interface NewAuditEvent {
  actor: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** tenantId is null for events that concern no tenant (e.g. node operations). */
  async record(tenantId: string | null, event: NewAuditEvent): Promise<void> {
    await this.prisma.auditEvent.create({
      data: { ...event, tenantId, details: (event.details ?? {}) as Prisma.InputJsonValue },
    });
  }

  listForTenant(tenantId: string, limit: number): Promise<AuditEvent[]> {
    return this.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { id: 'desc' }, take: limit });
  }
}
