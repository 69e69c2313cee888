import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** Bytes moved by backups and restores on this node (durations and failures: the job metrics). */
@Injectable()
export class BackupMetrics {
  private readonly bytes: Counter<'direction'>;

  constructor(registry: Registry) {
    this.bytes = new Counter({
      name: 'hivehub_backup_transfer_bytes_total',
      help: 'Bytes of shard files written to storage by successful backups (direction="backup") and read back by successful restores (direction="restore")',
      labelNames: ['direction'],
      registers: [registry],
    });
  }

  transferred(direction: 'backup' | 'restore', bytes: number): void {
    this.bytes.inc({ direction }, bytes);
  }
}
