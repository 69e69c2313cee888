import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { readGraphFile } from './graph-file';
import { HnswIndex } from './hnsw-index';
import { storedVector } from './vector';

/** The native graph (libs/shard/native) as the engine uses it. */
describe('HnswIndex (hivehub-vector-graph)', () => {
  const hnsw = { m: 16, ef_construct: 100, ef: 64 };
  const vector = (seed: number) => storedVector(Array.from({ length: 8 }, (_, i) => Math.sin(seed * 7 + i)), 'Cosine');

  it('holds the exact float32 values it was given, and finds them', () => {
    const index = HnswIndex.create(8, 'Cosine', hnsw, 10);
    for (let label = 0; label < 50; label++) index.add(label, vector(label)); // grows past its capacity
    expect(index.labelCount).toBe(50);
    expect(index.vectorAt(17)).toEqual(vector(17));
    const { labels, distances } = index.search(Array.from(vector(17)), 3, 64);
    expect(labels[0]).toBe(17);
    expect(index.scoreOf(distances[0])).toBeCloseTo(1, 5);
    const allowed = new Uint8Array(50);
    allowed[3] = 1;
    allowed[40] = 1;
    expect(Array.from(index.search(Array.from(vector(17)), 5, 64, allowed).labels).sort((a, b) => a - b)).toEqual([3, 40]);
    const out = new Float32Array(2);
    index.distances(Array.from(vector(17)), Uint32Array.of(17, 999), out);
    expect(out[0]).toBeCloseTo(0, 5);
    expect(out[1]).toBeNaN();
  });

  it("turns hnswlib's C++ errors into exceptions instead of ending the process", () => {
    const index = HnswIndex.create(8, 'Euclid', hnsw, 10);
    expect(() => index.remove(5)).toThrow('Label not found');
    expect(() => index.vectorAt(5)).toThrow('no label 5');
    expect(() => index.add(0, new Float32Array(3))).toThrow('wrong dimension');
  });

  it('names elements by slot: a new label must be the next slot; a known one is updated, also after a delete', () => {
    const index = HnswIndex.create(8, 'Cosine', hnsw, 10);
    for (let label = 0; label < 5; label++) index.add(label, vector(label));
    expect(() => index.add(7, vector(7))).toThrow('next slot');
    expect(index.labelCount).toBe(5);
    index.replace(2, vector(20)); // an update in place
    expect(index.vectorAt(2)).toEqual(vector(20));
    index.remove(3);
    expect(index.search(Array.from(vector(3)), 5, 64).labels).not.toContain(3);
    index.reuse(3, vector(30)); // a freed slot taken by a new point
    expect(index.search(Array.from(vector(30)), 1, 64).labels[0]).toBe(3);
    expect(index.labelCount).toBe(5);
  });

  it('keeps every vector and link when it grows into and within huge-page blocks (2 MiB and up)', () => {
    const dim = 128;
    const hash = (x: number) => (Math.sin(x) * 43758.5453) % 1; // a different pseudo-random vector each seed
    const wide = (seed: number) => storedVector(Array.from({ length: dim }, (_, i) => hash(seed * 12.9898 + i * 78.233)), 'Euclid');
    const index = HnswIndex.create(dim, 'Euclid', hnsw, 10);
    const count = 9000; // 1,024 -> 2,048 -> ... -> 16,384 slots: malloc'd, then 2 MiB-aligned blocks copied on growth
    for (let label = 0; label < count; label++) index.add(label, wide(label));
    for (const label of [0, 1023, 1024, 4095, 4096, 8191, 8192, count - 1]) {
      expect(index.vectorAt(label)).toEqual(wide(label));
      expect(index.search(Array.from(wide(label)), 1, 64).labels[0]).toBe(label);
    }
  });

  it('writes and reads its file off the JS thread', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hnsw-index-'));
    try {
      const index = HnswIndex.create(8, 'Dot', hnsw, 10);
      for (let label = 0; label < 20; label++) index.add(label, vector(label));
      index.remove(4);
      await index.write(path.join(dir, 'graph.hnsw'));
      const loaded = await HnswIndex.load(path.join(dir, 'graph.hnsw'), 8, 'Dot');
      expect(loaded.labelCount).toBe(20);
      expect(loaded.vectorAt(9)).toEqual(vector(9));
      expect(Array.from(loaded.search(Array.from(vector(4)), 20, 64).labels)).not.toContain(4);
      await expect(HnswIndex.load(path.join(dir, 'missing.hnsw'), 8, 'Dot')).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads a graph that answers exactly as the one written, keeps growing it, and refuses a file of the wrong length', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hnsw-index-'));
    const file = path.join(dir, 'graph.hnsw');
    try {
      const index = HnswIndex.create(8, 'Cosine', { ...hnsw, m: 4 }, 10); // m 4: many elements on upper levels
      for (let label = 0; label < 300; label++) index.add(label, vector(label));
      for (const label of [7, 150]) index.remove(label);
      await index.write(file);
      const loaded = await HnswIndex.load(file, 8, 'Cosine');
      expect(loaded.labelCount).toBe(300);
      for (let q = 0; q < 300; q += 13) {
        const query = Array.from(vector(q + 0.5));
        const [before, after] = [index, loaded].map((g) => g.search(query, 10, 32));
        expect(Array.from(after.labels)).toEqual(Array.from(before.labels));
        expect(Array.from(after.distances)).toEqual(Array.from(before.distances));
        expect(loaded.vectorAt(q)).toEqual(index.vectorAt(q));
      }
      loaded.add(300, vector(300));
      expect(loaded.search(Array.from(vector(300)), 1, 32).labels[0]).toBe(300);

      appendFileSync(file, Buffer.from([0]));
      await expect(HnswIndex.load(file, 8, 'Cosine')).rejects.toThrow('corrupted');
      truncateSync(file, statSync(file).size - 100);
      await expect(HnswIndex.load(file, 8, 'Cosine')).rejects.toThrow('truncated or unreadable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a graph file whose labels are not its slot numbers, in the structure check and in the loader', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hnsw-index-'));
    const file = path.join(dir, 'graph.hnsw');
    try {
      const index = HnswIndex.create(8, 'Cosine', hnsw, 10);
      for (let label = 0; label < 3; label++) index.add(label, vector(label));
      await index.write(file);
      await expect(readGraphFile(file, 8, 3, true)).resolves.toMatchObject({ size: statSync(file).size });
      const bytes = readFileSync(file);
      const [sizePerElement, labelOffset] = [Number(bytes.readBigUInt64LE(24)), Number(bytes.readBigUInt64LE(32))];
      bytes.writeBigUInt64LE(2n, 96 + sizePerElement + labelOffset); // element 1 labelled 2
      writeFileSync(file, bytes);
      await expect(readGraphFile(file, 8, 3, true)).rejects.toThrow('element 1 has label 2, not its slot number');
      await expect(HnswIndex.load(file, 8, 'Cosine')).rejects.toThrow('not slot numbers');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
