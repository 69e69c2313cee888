import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { fsyncDir } from './fs-util';

/** WAL files are named by the first LSN they may hold, so name order is LSN order. */
export function walFileName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.wal`;
}

export function parseWalFileName(name: string): number | null {
  const match = /^(\d{20})\.wal$/.exec(name);
  return match ? Number(match[1]) : null;
}

export interface WalWriterOptions {
  flushIntervalMs: number;
  onBackgroundError: (error: Error) => void;
}

/**
 * The append side of a collection's WAL. Appends are serialised by the caller (the
 * collection's write mutex); fsyncs are shared: one fdatasync covers every record
 * appended before it started (group commit), so concurrent writers with wait=true
 * pay for one sync between them. After a failed fsync the kernel may have dropped
 * the dirty pages, so the writer refuses everything until the shard is reopened
 * and the WAL on disk, the only truth left, is replayed.
 */
export class WalWriter {
  private appendedLsn: number;
  private durableLsn: number;
  private syncing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;
  /** Bytes appended since the last checkpoint (drives automatic checkpoints). */
  bytesSinceCheckpoint: number;

  private constructor(
    private walDir: string,
    private handle: FileHandle,
    private fileName: string,
    private fileSize: number,
    lastLsn: number,
    initialBytes: number,
    private readonly options: WalWriterOptions,
  ) {
    this.appendedLsn = lastLsn;
    this.durableLsn = lastLsn;
    this.bytesSinceCheckpoint = initialBytes;
  }

  /** Continues `active` (already trimmed to its last good record) or starts a file after `lastLsn`. */
  static async open(
    walDir: string,
    active: { name: string; size: number } | null,
    lastLsn: number,
    initialBytes: number,
    options: WalWriterOptions,
  ): Promise<WalWriter> {
    if (active) {
      const handle = await fs.open(path.join(walDir, active.name), 'r+');
      return new WalWriter(walDir, handle, active.name, active.size, lastLsn, initialBytes, options);
    }
    const name = walFileName(lastLsn + 1);
    const handle = await fs.open(path.join(walDir, name), 'wx');
    await fsyncDir(walDir);
    return new WalWriter(walDir, handle, name, 0, lastLsn, initialBytes, options);
  }

  get activeFileName(): string {
    return this.fileName;
  }

  /** Bytes in the active file: always a record boundary (appends are serialised and cut back on failure). */
  get activeFileSize(): number {
    return this.fileSize;
  }

  /** The directory was renamed (a restored collection moved into place); open handles stay valid. */
  relocate(walDir: string): void {
    this.walDir = walDir;
  }

  /** Appends one encoded record. On failure the file is cut back so no partial record stays behind. */
  async append(record: Buffer, lsn: number): Promise<void> {
    this.assertUsable();
    const start = this.fileSize;
    try {
      let written = 0;
      while (written < record.length) {
        const { bytesWritten } = await this.handle.write(record, written, record.length - written, start + written);
        written += bytesWritten;
      }
    } catch (error) {
      await this.handle.truncate(start).catch((truncateError: Error) => {
        this.failure = truncateError;
      });
      throw error;
    }
    this.fileSize += record.length;
    this.bytesSinceCheckpoint += record.length;
    this.appendedLsn = lsn;
  }

  /** Resolves once every record up to `lsn` is on stable storage. */
  async syncTo(lsn: number): Promise<void> {
    while (this.durableLsn < lsn) {
      if (this.failure) throw this.failure;
      if (this.syncing) {
        await this.syncing.catch(() => undefined);
        continue;
      }
      const target = this.appendedLsn;
      this.syncing = this.handle.datasync().then(
        () => {
          this.durableLsn = Math.max(this.durableLsn, target);
        },
        (error: Error) => {
          this.failure = new Error(`WAL fsync failed in ${this.walDir}; reopen the shard: ${error.message}`);
          throw this.failure;
        },
      );
      try {
        await this.syncing;
      } finally {
        this.syncing = null;
      }
    }
  }

  /** wait=false writes: make sure an fsync happens within the flush interval. */
  scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.syncTo(this.appendedLsn).catch((error: Error) => this.options.onBackgroundError(error));
    }, this.options.flushIntervalMs);
  }

  /** Seals the current file (durably) and continues in a new one whose first LSN is `nextLsn`. */
  async rotate(nextLsn: number): Promise<void> {
    this.assertUsable();
    await this.syncTo(this.appendedLsn);
    const name = walFileName(nextLsn);
    const handle = await fs.open(path.join(this.walDir, name), 'wx');
    await fsyncDir(this.walDir);
    const sealed = this.handle;
    this.handle = handle;
    this.fileName = name;
    this.fileSize = 0;
    await sealed.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    try {
      if (!this.failure) await this.syncTo(this.appendedLsn);
    } finally {
      this.closed = true;
      await this.handle.close();
    }
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('WAL is closed');
  }
}
