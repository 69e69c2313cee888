const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;

/**
 * One value per label, in chunks of 4,096 labels: growing adds a chunk and never copies.
 * With one array per column, every growth left the outgrown array (megabytes at 100k
 * points) in V8's large-object space until the next full collection, and a node's
 * resident memory per point read about 190 bytes above what its columns hold.
 * Labels never set read as `empty`.
 */
export class LabelColumn<T> {
  private readonly chunks: T[][] = [];

  constructor(private readonly empty: T) {}

  get(label: number): T {
    const chunk = this.chunks[label >>> CHUNK_BITS];
    return chunk === undefined ? this.empty : chunk[label & IN_CHUNK];
  }

  set(label: number, value: T): void {
    const at = label >>> CHUNK_BITS;
    while (this.chunks.length <= at) this.chunks.push(new Array<T>(CHUNK).fill(this.empty));
    this.chunks[at][label & IN_CHUNK] = value;
  }
}

/** A number per label (float64), chunked as LabelColumn; labels never set read 0. */
export class NumberColumn {
  private readonly chunks: Float64Array[] = [];

  get(label: number): number {
    const chunk = this.chunks[label >>> CHUNK_BITS];
    return chunk === undefined ? 0 : chunk[label & IN_CHUNK];
  }

  set(label: number, value: number): void {
    const at = label >>> CHUNK_BITS;
    while (this.chunks.length <= at) this.chunks.push(new Float64Array(CHUNK));
    this.chunks[at][label & IN_CHUNK] = value;
  }

  /** Labels [0, count) in one array (a copy). */
  copy(count: number): Float64Array {
    const out = new Float64Array(count);
    for (let at = 0; at * CHUNK < count && at < this.chunks.length; at++) {
      out.set(this.chunks[at].subarray(0, Math.min(CHUNK, count - at * CHUNK)), at * CHUNK);
    }
    return out;
  }
}
