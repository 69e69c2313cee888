import type { Distance, PointId, Shard } from '@hivehub/shard';
import type { BackupCollectionEntry } from './backup-manifest';

/** Stored points whose own vectors are searched per collection. */
export const SAMPLED_SEARCHES = 3;
/** Ids scanned to choose them: one scroll page, so a huge collection costs no more. */
const SAMPLE_PAGE = 1000;
/** A wide candidate list: a good graph finds a point's own vector, and a flaky verdict would cry wolf. */
const VERIFY_EF = 128;

export interface CollectionChecked {
  name: string;
  points: number;
  searches: number;
}

/** Why a loaded collection is not what its manifest says; null when it is. */
export interface CollectionProblem {
  code: 'count_mismatch' | 'search_mismatch' | 'bad_archive';
  message: string;
}

/**
 * Checks a collection loaded from a backup: its point count is the manifest's, and a
 * few stored points' own vectors, searched through the graph, find themselves at
 * rank 1 with the score that distance gives a vector against itself (Cosine 1,
 * Euclid 0, Dot |v|²). Checksums prove the bytes are the ones written; this proves
 * the files agree with each other (labels, vectors and the persisted graph), which
 * a file replaced together with its checksums would not.
 */
export async function checkCollection(shard: Shard, entry: BackupCollectionEntry): Promise<CollectionProblem | CollectionChecked> {
  const name = entry.name;
  const info = await shard.getCollection({ collection: name });
  const { count } = await shard.count({ collection: name, request: { exact: true } });
  if (info.points_count !== entry.points || count !== entry.points) {
    return { code: 'count_mismatch', message: `${name}: the manifest records ${entry.points} points, the loaded collection holds ${count}` };
  }
  if (info.config.size !== entry.dimension || info.config.distance !== entry.distance) {
    return { code: 'bad_archive', message: `${name}: the manifest records ${entry.dimension}-d ${entry.distance}, the collection is ${info.config.size}-d ${info.config.distance}` };
  }
  const samples = await samplePoints(shard, name);
  for (const sample of samples) {
    const problem = await checkSelfSearch(shard, name, info.config.distance, sample);
    if (problem) return { code: 'search_mismatch', message: problem };
  }
  return { name, points: count, searches: samples.length };
}

interface Sample {
  id: PointId;
  vector: number[];
}

/** First, middle and last of the first page of ids (scroll order), with their stored vectors. */
async function samplePoints(shard: Shard, collection: string): Promise<Sample[]> {
  const page = await shard.scroll({ collection, request: { limit: SAMPLE_PAGE, with_payload: false, with_vector: false } });
  const ids = page.points.map((p) => p.id);
  if (ids.length === 0) return [];
  const picked = [...new Set([0, ids.length >> 1, ids.length - 1].map((i) => ids[i]))].slice(0, SAMPLED_SEARCHES);
  const points = await shard.retrieve({ collection, ids: picked, with_payload: false, with_vector: true });
  return points.map((p) => ({ id: p.id, vector: p.vector ?? [] }));
}

async function checkSelfSearch(shard: Shard, collection: string, distance: Distance, sample: Sample): Promise<string | null> {
  const expected = selfScore(distance, sample.vector);
  const what = `${collection}: point ${JSON.stringify(sample.id)} searched with its own vector`;
  if (distance === 'Dot') {
    // Another point can have a larger dot product than a vector with itself, so rank 1 is
    // not the point itself: the graph must agree with an exact scan of the stored vectors.
    const [graph, exact] = await Promise.all([search(shard, collection, sample.vector, false), search(shard, collection, sample.vector, true)]);
    if (graph.length === 0 || exact.length === 0 || !close(graph[0].score, exact[0].score)) {
      return `${what}: the graph's best score ${graph[0]?.score} differs from the stored vectors' ${exact[0]?.score}`;
    }
    return null;
  }
  const hits = await search(shard, collection, sample.vector, false);
  if (hits.length === 0 || !close(hits[0].score, expected)) return `${what}: best score ${hits[0]?.score}, expected ${expected}`;
  // Duplicates of the vector tie at rank 1: the point must be among the tied ones.
  const tied = hits.filter((hit) => close(hit.score, hits[0].score));
  if (!tied.some((hit) => hit.id === sample.id)) return `${what}: found ${JSON.stringify(hits[0].id)} at rank 1, not itself`;
  return null;
}

function search(shard: Shard, collection: string, vector: number[], exact: boolean) {
  return shard.search({ collection, request: { vector, limit: 10, with_payload: false, params: exact ? { exact: true } : { hnsw_ef: VERIFY_EF } } });
}

function selfScore(distance: Distance, vector: number[]): number {
  if (distance === 'Cosine') return 1;
  if (distance === 'Euclid') return 0;
  return vector.reduce((sum, x) => sum + x * x, 0);
}

/** float32 arithmetic in hnswlib: relative tolerance, absolute near zero. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(a), Math.abs(b));
}
