import { domainFailure } from '../testing/domain-failure';
import { assertNewCollectionName, couldExist } from './collection-name';
import { createCollectionSchema, toCreateConfig } from './collection.schema';
import { parseWith } from './parse';

const parse = (body: unknown) => toCreateConfig(parseWith(createCollectionSchema, body));

const failure = domainFailure;

describe('PUT /collections/{name} body', () => {
  it('becomes the shard config, the vector hnsw_config winning over the collection one', () => {
    expect(parse({ vectors: { size: 4, distance: 'Cosine' } })).toEqual({ size: 4, distance: 'Cosine' });
    expect(parse({ vectors: { size: 8, distance: 'Dot', hnsw_config: { m: 32 } }, hnsw_config: { m: 8, ef_construct: 200, full_scan_threshold: 10 } })).toEqual({
      size: 8,
      distance: 'Dot',
      hnsw: { m: 32, ef_construct: 200 },
    });
  });

  it("accepts Qdrant's spelling of the unnamed vector and ignores tuning it has no use for", () => {
    const body = { vectors: { '': { size: 3, distance: 'Euclid', on_disk: true } }, shard_number: 2, on_disk_payload: true, optimizers_config: { indexing_threshold: 0 } };
    expect(parse(body)).toEqual({ size: 3, distance: 'Euclid' });
  });

  it.each([
    [{}, 'vectors is required'],
    [{ vectors: { size: 4, distance: 'Manhattan' } }, 'Manhattan is not supported'],
    [{ vectors: { size: 4, distance: 'cosine' } }, 'unknown distance the string "cosine"'],
    [{ vectors: { size: '4', distance: 'Dot' } }, 'vectors.size: expected a positive integer, got the string "4"'],
    [{ vectors: { size: 0, distance: 'Dot' } }, 'vectors.size: expected a positive integer, got number 0'],
    [{ vectors: { size: 4.5, distance: 'Dot' } }, 'expected a positive integer, got number 4.5'],
    [{ vectors: { image: { size: 4, distance: 'Dot' }, text: { size: 8, distance: 'Dot' } } }, 'named vectors are not supported (got "image", "text")'],
    [{ vectors: { size: 4, distance: 'Dot', multivector_config: { comparator: 'max_sim' } } }, 'multi-vectors are not supported'],
    [{ vectors: { size: 4, distance: 'Dot', datatype: 'uint8' } }, 'only float32'],
    [{ vectors: { size: 4, distance: 'Dot' }, sparse_vectors: { s: {} } }, 'sparse vectors are not supported'],
    [{ vectors: { size: 4, distance: 'Dot' }, quantization_config: { scalar: { type: 'int8' } } }, 'quantization is not supported'],
    [{ vectors: { size: 4, distance: 'Dot' }, sharding_method: 'custom' }, 'custom sharding is not supported'],
    [{ vectors: { size: 4, distance: 'Dot' }, hnsw_config: { m: -1 } }, 'hnsw_config.m: expected an unsigned integer, got number -1'],
    ['nope', 'expected a JSON object'],
  ])('refuses %j with a 400 that says why', (body, message) => {
    const err = failure(() => parse(body));
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/^Format error in JSON body: /);
    expect(err.message).toContain(message);
  });

  it('answers range rules with a 422, as Qdrant does', () => {
    const big = failure(() => parse({ vectors: { size: 65537, distance: 'Dot' } }));
    expect(big.code).toBe('validation_failed');
    expect(big.message).toBe('Validation error in JSON body: vectors.size: value invalid, must be 65536 or smaller');
    expect(failure(() => parse({ vectors: { size: 4, distance: 'Dot' }, hnsw_config: { ef_construct: 2 } })).code).toBe('validation_failed');
  });

  it('a format error wins over a range rule in the same body', () => {
    const err = failure(() => parse({ vectors: { size: 65537, distance: 'Foo' } }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain('unknown distance');
  });
});

describe('collection names', () => {
  it('allows letters, digits, - and _ up to 255 characters for a new collection, else 422', () => {
    expect(() => assertNewCollectionName('My_docs-2')).not.toThrow();
    expect(() => assertNewCollectionName('a'.repeat(255))).not.toThrow();
    for (const bad of ['a'.repeat(256), 'with space', 'dot.ted', 'ünï', '']) {
      const err = failure(() => assertNewCollectionName(bad));
      expect(err.code).toBe('validation_failed');
      expect(err.message).toContain('letters, digits');
    }
  });

  it('treats a name no collection can have as missing', () => {
    expect(couldExist('docs')).toBe(true);
    expect(couldExist('../etc')).toBe(false);
  });
});
