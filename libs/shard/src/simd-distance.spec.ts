import { simdLevels, VectorGraph } from 'hivehub-vector-graph';

/**
 * The native graph's distance kernels (libs/shard/native/src/simd_spaces.h), each level
 * this CPU runs, against float64 arithmetic: dimensions around the 8-, 16- and 32-float
 * strides cover every tail path.
 */
describe('the native graph computes distances with every SIMD level the CPU has', () => {
  const dims = [1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 100, 128, 769];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 30 - 1;
  };
  const randomVector = (dim: number) => Float32Array.from({ length: dim }, random);

  it('lists the levels widest first, always ending with sse', () => {
    expect(simdLevels[simdLevels.length - 1]).toBe('sse');
    expect(new Set(simdLevels).size).toBe(simdLevels.length);
    for (const level of simdLevels) expect(['avx512', 'avx2', 'sse']).toContain(level);
    expect(() => new VectorGraph('ip', 4, 'avx9000')).toThrow("simd level 'avx9000' is not one this CPU supports");
  });

  for (const level of simdLevels) {
    it(`${level}: inner product and L2 match float64 arithmetic at every dimension`, () => {
      for (const dim of dims) {
        const vectors = Array.from({ length: 20 }, () => randomVector(dim));
        const query = randomVector(dim);
        const labels = Uint32Array.from(vectors.keys());
        for (const space of ['ip', 'l2'] as const) {
          const graph = new VectorGraph(space, dim, level);
          graph.initIndex(vectors.length, 16, 100, 100);
          vectors.forEach((v, label) => graph.addPoint(v, label));
          const out = new Float32Array(vectors.length);
          graph.distances(query, labels, out);
          vectors.forEach((v, i) => {
            let sum = 0;
            for (let d = 0; d < dim; d++) sum += space === 'ip' ? query[d] * v[d] : (query[d] - v[d]) ** 2;
            const expected = space === 'ip' ? 1 - sum : sum;
            expect(Math.abs(out[i] - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected), dim));
          });
        }
      }
    });
  }

  it('finds the same nearest neighbours at every level', () => {
    const dim = 48;
    const vectors = Array.from({ length: 500 }, () => randomVector(dim));
    const queries = Array.from({ length: 20 }, () => randomVector(dim));
    const answers = simdLevels.map((level) => {
      const graph = new VectorGraph('l2', dim, level);
      graph.initIndex(vectors.length, 16, 200, 100);
      vectors.forEach((v, label) => graph.addPoint(v, label));
      graph.setEf(500); // the whole graph: an exact answer
      return queries.map((q) => Array.from(graph.searchKnn(q, 5).labels));
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });
});
