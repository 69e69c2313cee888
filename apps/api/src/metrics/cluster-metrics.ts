import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { BackupRepository } from '@hivehub/db';
import { JobProducer, nodeQueueName } from '@hivehub/jobs';
import { NodeDirectory } from '../nodes/node-directory.service';

/**
 * The cluster as PostgreSQL and Redis see it, read at scrape time (every api process
 * exposes the same values; aggregate with max). Replication does not exist yet: its
 * lag is 0 and no failover has happened, so the guide's alerts load and stay quiet.
 */
@Injectable()
export class ClusterMetrics implements OnModuleInit {
  constructor(
    private readonly registry: Registry,
    private readonly nodes: NodeDirectory,
    private readonly jobs: JobProducer,
    private readonly backups: BackupRepository,
  ) {}

  onModuleInit(): void {
    const nodes = this.nodes;
    const jobs = this.jobs;
    const backups = this.backups;
    new Gauge({
      name: 'vectorizer_last_backup_timestamp',
      help: 'Seconds since the epoch when the tenant\'s last successful backup of its live data finished (uploads do not count; tenants without one have no series)',
      labelNames: ['tenant'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { tenantId, finishedAt } of await backups.lastSucceededPerTenant()) this.set({ tenant: tenantId }, finishedAt.getTime() / 1000);
      },
    });
    new Gauge({
      name: 'vectorizer_node_healthy',
      help: '1 when the data-plane node heartbeated within NODE_DEAD_AFTER_MS, else 0',
      labelNames: ['node'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const now = new Date();
        for (const node of await nodes.list()) this.set({ node: node.id }, nodes.isAlive(node, now) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hivehub_queue_depth',
      help: 'Jobs waiting or delayed on each node queue',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const node of await nodes.list()) this.set({ queue: nodeQueueName(node.id) }, await jobs.depth(node.id));
      },
    });
    new Gauge({
      name: 'hivehub_backups_verification_failed',
      help: 'Succeeded backups whose latest automatic or requested verification failed (all tenants)',
      registers: [this.registry],
      async collect() {
        this.set(await backups.countFailedVerifications());
      },
    });
    new Gauge({ name: 'vectorizer_replication_lag_seconds', help: 'Replication lag of replicas behind their primary (no replication yet: 0)', registers: [this.registry] }).set(0);
    new Counter({ name: 'vectorizer_failover_total', help: 'Failovers performed (no replication yet: 0)', registers: [this.registry] });
  }
}
