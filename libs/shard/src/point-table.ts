import type { Narrowing, PointPredicate } from './filter';
import { LabelColumn, NumberColumn } from './label-column';
import { comparePointIds } from './point-id';
import { EMPTY_PAYLOAD, PathStep } from './payload';
import { PayloadValueIndex } from './payload-index';
import { Payload, PointId } from './types';

/**
 * Keys a collection indexes at most (each costs ~30 bytes a point); filters on
 * further keys scan every point.
 */
export const MAX_VALUE_INDEXES = 4;

/**
 * The in-memory state of a collection's points, addressed by label (the slot
 * number the HNSW index knows). Invariants:
 * - every label below `highWater` is either live (has an id) or in `freeLabels`;
 * - a free label is marked deleted in the HNSW index and is reused before the
 *   high-water mark grows, so slots do not leak under churn;
 * - vectors live in the HNSW index only (HnswIndex.vectorAt);
 * - per-label values are LabelColumn / NumberColumn chunks (growing never copies);
 * - `payloadBytesTotal` is the sum of `payloadBytesByLabel` over live labels (free
 *   labels hold 0), maintained on every set/delete so `storedBytes` is O(1);
 * - each value index (built the first time a filter matches on its key) lists
 *   exactly the live labels' values, maintained on every set/delete.
 */
export class PointTable {
  private readonly labelById = new Map<PointId, number>();
  private readonly idByLabel = new LabelColumn<PointId | undefined>(undefined);
  /** Undefined for a label never used; EMPTY_PAYLOAD once freed. */
  private readonly payloadByLabel = new LabelColumn<Payload | undefined>(undefined);
  /** UTF-8 byte length of each live point's payload JSON text (as in the WAL / payloads.bin). */
  private readonly payloadBytesByLabel = new NumberColumn();
  private payloadBytesTotal = 0;
  private readonly versionByLabel = new NumberColumn();
  private freeLabels: number[] = [];
  private nextLabel = 0;
  private sortedIdsCache: PointId[] | null = null;
  private readonly valueIndexes = new Map<string, PayloadValueIndex>();

  constructor(readonly dim: number) {}

  /** Rebuilds a table from checkpoint arrays (lengths already checked against the manifest). */
  static restore(dim: number, ids: (PointId | undefined)[], payloads: Payload[], payloadBytes: number[], versions: Float64Array): PointTable {
    const table = new PointTable(dim);
    table.nextLabel = ids.length;
    for (let label = 0; label < ids.length; label++) {
      const id = ids[label];
      table.idByLabel.set(label, id);
      table.payloadByLabel.set(label, payloads[label]);
      table.versionByLabel.set(label, versions[label]);
      if (id !== undefined) {
        table.labelById.set(id, label);
        table.payloadBytesByLabel.set(label, payloadBytes[label]);
        table.payloadBytesTotal += payloadBytes[label];
      }
    }
    for (let label = ids.length - 1; label >= 0; label--) if (ids[label] === undefined) table.freeLabels.push(label);
    return table;
  }

  get size(): number {
    return this.labelById.size;
  }

  /** Bytes the live points store: per point `dim × 4` (float32 vector) + its payload JSON's UTF-8 length. */
  get storedBytes(): number {
    return this.labelById.size * this.dim * 4 + this.payloadBytesTotal;
  }

  /** Labels in use or free: every label below this exists in the HNSW index. */
  get highWater(): number {
    return this.nextLabel;
  }

  labelOf(id: PointId): number | undefined {
    return this.labelById.get(id);
  }

  has(id: PointId): boolean {
    return this.labelById.has(id);
  }

  idAt(label: number): PointId | undefined {
    return this.idByLabel.get(label);
  }

  payloadAt(label: number): Payload {
    return this.payloadByLabel.get(label)!;
  }

  payloadBytesAt(label: number): number {
    return this.payloadBytesByLabel.get(label);
  }

  versionAt(label: number): number {
    return this.versionByLabel.get(label);
  }

  /**
   * Picks the label for a new id: a free one (the index must un-delete it) or the
   * next unused one (the index must add it). Does not record the id yet.
   */
  nextFreeLabel(): { label: number; reused: boolean } {
    const reused = this.freeLabels.length > 0;
    return { label: reused ? this.freeLabels[this.freeLabels.length - 1] : this.nextLabel, reused };
  }

  set(id: PointId, label: number, payload: Payload, payloadBytes: number, version: number): void {
    if (!this.labelById.has(id)) {
      if (label === this.nextLabel) {
        this.nextLabel++;
      } else if (this.freeLabels[this.freeLabels.length - 1] === label) {
        this.freeLabels.pop();
      } else {
        throw new Error(`label ${label} is not available for point ${id}`);
      }
      this.labelById.set(id, label);
      this.idByLabel.set(label, id);
      this.sortedIdsCache = null;
    }
    const previous = this.payloadByLabel.get(label);
    for (const index of this.valueIndexes.values()) {
      if (previous !== undefined) index.remove(label, previous);
      index.add(label, payload);
    }
    this.payloadByLabel.set(label, payload);
    this.payloadBytesTotal += payloadBytes - this.payloadBytesByLabel.get(label);
    this.payloadBytesByLabel.set(label, payloadBytes);
    this.versionByLabel.set(label, version);
  }

  /** Forgets a point; returns its label (now free) or undefined when it did not exist. */
  delete(id: PointId): number | undefined {
    const label = this.labelById.get(id);
    if (label === undefined) return undefined;
    this.labelById.delete(id);
    this.idByLabel.set(label, undefined);
    for (const index of this.valueIndexes.values()) index.remove(label, this.payloadByLabel.get(label)!);
    this.payloadByLabel.set(label, EMPTY_PAYLOAD);
    this.payloadBytesTotal -= this.payloadBytesByLabel.get(label);
    this.payloadBytesByLabel.set(label, 0);
    this.versionByLabel.set(label, 0);
    this.freeLabels.push(label);
    this.sortedIdsCache = null;
    return label;
  }

  /** Live labels in label order. */
  *liveLabels(): IterableIterator<number> {
    const ids = this.idByLabel;
    for (let label = 0; label < this.nextLabel; label++) if (ids.get(label) !== undefined) yield label;
  }

  /**
   * Live labels whose point passes `test`, in label order: behind filtered search,
   * count and delete by filter. When the filter's `must` names ids or matches values
   * on a key, only the fewest such candidates are checked; otherwise every point is,
   * in a plain loop (a generator costs more than a simple predicate per point).
   */
  labelsMatching(test: PointPredicate): number[] {
    const ids = this.idByLabel;
    const payloads = this.payloadByLabel;
    const labels: number[] = [];
    const candidates = test.narrowing ? this.fewestCandidates(test.narrowing) : null;
    if (candidates) {
      for (const label of candidates) {
        const id = ids.get(label);
        if (id !== undefined && test(id, payloads.get(label)!)) labels.push(label);
      }
      return labels.sort((a, b) => a - b);
    }
    for (let label = 0; label < this.nextLabel; label++) {
      const id = ids.get(label);
      if (id !== undefined && test(id, payloads.get(label)!)) labels.push(label);
    }
    return labels;
  }

  /**
   * Live labels every match is among, from the narrowing that yields the fewest; null
   * to scan, also when every narrowing names more than a quarter of the points (one
   * pass over all of them is then cheaper than collecting and sorting those).
   */
  private fewestCandidates(narrowing: readonly Narrowing[]): ReadonlySet<number> | null {
    const atMost = Math.floor(this.labelById.size / 4);
    let fewest: ReadonlySet<number> | null = null;
    for (const narrow of narrowing) {
      const candidates =
        'ids' in narrow
          ? narrow.ids.length <= atMost
            ? this.labelsOf(narrow.ids)
            : null
          : this.valueIndex(narrow.key, narrow.path)?.labelsWithAny(narrow.values, atMost);
      if (candidates && (fewest === null || candidates.size < fewest.size)) fewest = candidates;
    }
    return fewest;
  }

  private labelsOf(ids: readonly PointId[]): Set<number> {
    const labels = new Set<number>();
    for (const id of ids) {
      const label = this.labelById.get(id);
      if (label !== undefined) labels.add(label);
    }
    return labels;
  }

  /** The index of a key's values, built on first use (up to MAX_VALUE_INDEXES keys); null past that. */
  private valueIndex(key: string, path: readonly PathStep[]): PayloadValueIndex | null {
    let index = this.valueIndexes.get(key);
    if (index) return index;
    if (this.valueIndexes.size >= MAX_VALUE_INDEXES) return null;
    index = new PayloadValueIndex(path);
    for (let label = 0; label < this.nextLabel; label++) if (this.idByLabel.get(label) !== undefined) index.add(label, this.payloadByLabel.get(label)!);
    this.valueIndexes.set(key, index);
    return index;
  }

  /** All live ids in scroll order; cached until an id is added or removed. */
  sortedIds(): PointId[] {
    if (this.sortedIdsCache === null) this.sortedIdsCache = [...this.labelById.keys()].sort(comparePointIds);
    return this.sortedIdsCache;
  }

  /** Every label's version, in one array (a copy, for a checkpoint). */
  versionData(): Float64Array {
    return this.versionByLabel.copy(this.nextLabel);
  }
}
