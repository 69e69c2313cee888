import { domainFailure } from '../testing/domain-failure';
import { waitQuery } from './common.schema';
import { parseWith } from './parse';
import { countSchema, deletePointsSchema, pointIdFromPath, retrieveSchema, scrollSchema, upsertSchema } from './points.schema';

const UUID = '5c56c793-69f3-4fbf-87e6-c4bf54c28c26';

const failure = domainFailure;

describe('upsert body', () => {
  it('takes a list of points, payload optional', () => {
    expect(
      parseWith(upsertSchema, {
        points: [
          { id: 1, vector: [0.1, 0.2], payload: { city: 'Berlin' } },
          { id: UUID, vector: { '': [1, 2] } },
          { id: 2, vector: [3, 4], payload: null },
        ],
      }),
    ).toEqual([
      { id: 1, vector: [0.1, 0.2], payload: { city: 'Berlin' } },
      { id: UUID, vector: [1, 2] },
      { id: 2, vector: [3, 4], payload: null },
    ]);
  });

  it('turns a batch into points, pairing ids, vectors and payloads by position', () => {
    expect(parseWith(upsertSchema, { batch: { ids: [1, 2], vectors: [[1], [2]], payloads: [{ a: 1 }, null] } })).toEqual([
      { id: 1, vector: [1], payload: { a: 1 } },
      { id: 2, vector: [2], payload: null },
    ]);
    expect(parseWith(upsertSchema, { batch: { ids: [7], vectors: [[1]] } })).toEqual([{ id: 7, vector: [1] }]);
  });

  it.each([
    [{}, 'send either {"points": [...]} or {"batch"'],
    [{ points: [], batch: { ids: [], vectors: [] } }, 'send either'],
    [{ points: [{ id: -1, vector: [1] }] }, 'points[0].id: a point id is an unsigned integer or a UUID string, got number -1'],
    [{ points: [{ id: 1.5, vector: [1] }] }, 'points[0].id: a point id is an unsigned integer or a UUID string'],
    [{ points: [{ id: true, vector: [1] }] }, 'got boolean true'],
    [{ points: [{ id: 2 ** 60, vector: [1] }] }, 'above 2^53-1'],
    [{ points: [{ id: 1, vector: [1, 'x'] }] }, 'points[0].vector: component 1 is the string "x"; every component must be a finite number'],
    [{ points: [{ id: 1, vector: [1, null] }] }, 'component 1 is null'],
    [{ points: [{ id: 1, vector: [] }] }, 'at least one component'],
    [{ points: [{ id: 1 }] }, 'points[0].vector: expected a vector (an array of numbers), got nothing'],
    [{ points: [{ id: 1, vector: { text: [1, 2] } }] }, 'named vectors are not supported (got "text")'],
    [{ points: [{ id: 1, vector: { indices: [1], values: [0.5] } }] }, 'sparse vectors are not supported'],
    [{ points: [{ id: 1, vector: [[1, 2], [3, 4]] }] }, 'multi-vectors'],
    [{ points: [{ id: 1, vector: [1], payload: [1] }] }, 'a payload is a JSON object or null'],
    [{ batch: { ids: [1, 2], vectors: [[1]] } }, '2 ids but 1 vectors'],
    [{ batch: { ids: [1], vectors: [[1]], payloads: [] } }, '1 ids but 0 payloads'],
    [{ points: [{ id: 1, vector: [1] }], shard_key: 'a' }, 'shard keys are not supported'],
    [{ points: 'all' }, 'points: '],
  ])('refuses %j with a 400', (body, message) => {
    const err = failure(() => parseWith(upsertSchema, body));
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain(message);
  });
});

describe('wait query parameter', () => {
  it('is false when absent, as in Qdrant, and only true/false otherwise', () => {
    expect(parseWith(waitQuery, {}, 'query parameters').wait).toBe(false);
    expect(parseWith(waitQuery, { wait: 'true', ordering: 'weak' }, 'query parameters').wait).toBe(true);
    expect(parseWith(waitQuery, { wait: 'false' }, 'query parameters').wait).toBe(false);
    const err = failure(() => parseWith(waitQuery, { wait: 'yes' }, 'query parameters'));
    expect(err.code).toBe('bad_request');
    expect(err.message).toBe('Format error in query parameters: wait: expected true or false, got the string "yes"');
  });
});

describe('retrieve, delete, scroll and count bodies', () => {
  it("retrieve defaults to payload without vector, and reads Qdrant's include selector", () => {
    expect(parseWith(retrieveSchema, { ids: [1, UUID] })).toEqual({ ids: [1, UUID], with_payload: true, with_vector: false });
    expect(parseWith(retrieveSchema, { ids: [1], with_payload: { include: ['a'] }, with_vector: true })).toEqual({ ids: [1], with_payload: ['a'], with_vector: true });
    expect(parseWith(retrieveSchema, { ids: [1], with_payload: null, with_vector: null })).toEqual({ ids: [1], with_payload: true, with_vector: false });
    expect(failure(() => parseWith(retrieveSchema, { ids: [1], with_payload: { exclude: ['a'] } })).message).toContain('exclusion');
    expect(failure(() => parseWith(retrieveSchema, { ids: [1], with_vector: ['image'] })).message).toContain('named vectors are not supported');
    expect(failure(() => parseWith(retrieveSchema, {})).message).toContain('ids: expected an array of point ids, got nothing');
  });

  it('delete takes ids or a filter, not both and not neither', () => {
    expect(parseWith(deletePointsSchema, { points: [1, UUID] })).toEqual({ points: [1, UUID] });
    const filter = { must: [{ key: 'city', match: { value: 'Berlin' } }] };
    expect(parseWith(deletePointsSchema, { filter })).toEqual({ filter });
    expect(failure(() => parseWith(deletePointsSchema, {})).message).toContain('send either');
    expect(failure(() => parseWith(deletePointsSchema, { points: [1], filter })).message).toContain('send either');
    expect(failure(() => parseWith(deletePointsSchema, { filter: 'x' })).message).toContain('a filter is an object');
  });

  it("scroll has Qdrant's defaults: 10 points, payload, no vector", () => {
    expect(parseWith(scrollSchema, undefined)).toEqual({ limit: 10, with_payload: true, with_vector: false });
    expect(parseWith(scrollSchema, { limit: 2, offset: 5, filter: { must: [] }, with_payload: false, with_vector: true })).toEqual({
      limit: 2,
      offset: 5,
      filter: { must: [] },
      with_payload: false,
      with_vector: true,
    });
    expect(parseWith(scrollSchema, { offset: null, filter: null })).toEqual({ limit: 10, with_payload: true, with_vector: false });
  });

  it('answers limit -1 with a 400 (not an unsigned integer) and limit 0 with a 422 (range), as Qdrant does', () => {
    const negative = failure(() => parseWith(scrollSchema, { limit: -1 }));
    expect(negative.code).toBe('bad_request');
    expect(negative.message).toBe('Format error in JSON body: limit: expected an unsigned integer, got number -1');
    const zero = failure(() => parseWith(scrollSchema, { limit: 0 }));
    expect(zero.code).toBe('validation_failed');
    expect(zero.message).toBe('Validation error in JSON body: limit: value invalid, must be 1 or larger');
    expect(failure(() => parseWith(scrollSchema, { order_by: 'price' })).message).toContain('order_by is not supported');
  });

  it('count is exact by default', () => {
    expect(parseWith(countSchema, {})).toEqual({ exact: true });
    expect(parseWith(countSchema, { filter: { must: [] }, exact: false })).toEqual({ exact: false, filter: { must: [] } });
  });

  it('reads a path id of digits as an integer, else as a UUID, and refuses anything else naming the path', () => {
    expect(pointIdFromPath('42')).toBe(42);
    expect(pointIdFromPath(UUID)).toBe(UUID);
    expect(pointIdFromPath(UUID.toUpperCase())).toBe(UUID.toLowerCase());
    expect(() => pointIdFromPath('99999999999999999999')).toThrow('Format error in path parameters: point id 99999999999999999999 is above 2^53-1');
    expect(() => pointIdFromPath('search')).toThrow('Format error in path parameters: point id "search" is neither an unsigned integer nor a UUID');
  });
});
