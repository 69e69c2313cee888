import { comparePointIds, normalizePointId, POINT_ID_BYTES, readPointId, writePointId } from './point-id';
import { ShardError } from './types';

describe('point ids', () => {
  it('accepts unsigned safe integers as they are', () => {
    expect(normalizePointId(0)).toBe(0);
    expect(normalizePointId(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('normalises every UUID spelling Qdrant accepts to lowercase hyphenated', () => {
    const canonical = '550e8400-e29b-41d4-a716-446655440000';
    for (const spelling of [
      canonical,
      canonical.toUpperCase(),
      canonical.replace(/-/g, ''),
      `{${canonical}}`,
      `urn:uuid:${canonical}`,
    ]) {
      expect(normalizePointId(spelling)).toBe(canonical);
    }
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, '42', 'not-a-uuid', '550e8400-e29b41d4-a716-446655440000', null, undefined, {}, true])(
    'refuses %p with bad_request',
    (raw) => {
      expect(() => normalizePointId(raw)).toThrow(ShardError);
      try {
        normalizePointId(raw);
      } catch (error) {
        expect((error as ShardError).code).toBe('bad_request');
      }
    },
  );

  it('orders integers ascending before UUIDs ascending', () => {
    const ids = ['ffffffff-0000-4000-8000-000000000000', 10, '00000000-0000-4000-8000-000000000000', 2, 100];
    expect([...ids].sort(comparePointIds)).toEqual([2, 10, 100, '00000000-0000-4000-8000-000000000000', 'ffffffff-0000-4000-8000-000000000000']);
  });

  it('round-trips ids and empty slots through the binary form', () => {
    const buffer = Buffer.alloc(POINT_ID_BYTES * 4);
    const ids = [Number.MAX_SAFE_INTEGER, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', undefined, 0];
    ids.forEach((id, i) => writePointId(buffer, i * POINT_ID_BYTES, id));
    expect(ids.map((_, i) => readPointId(buffer, i * POINT_ID_BYTES, 'test'))).toEqual(ids);
  });
});
