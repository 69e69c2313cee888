/** Deterministic data for data-plane tests: a seeded PRNG, vectors and brute-force reference search. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function randomVectors(count: number, dim: number, seed = 1): number[][] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => rnd() * 2 - 1));
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** Ids of the `k` candidates most similar to `query` by cosine, best first. */
export function bruteForceTopK(query: number[], candidates: { id: number; vector: number[] }[], k: number): number[] {
  return candidates
    .map((c) => ({ id: c.id, score: cosine(query, c.vector) }))
    .sort((x, y) => y.score - x.score)
    .slice(0, k)
    .map((c) => c.id);
}
