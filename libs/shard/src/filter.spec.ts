import { compileFilter } from './filter';
import { Payload, PointId } from './types';

const points: { id: PointId; payload: Payload }[] = [
  { id: 1, payload: { city: 'London', color: 'green', price: 10, tags: ['a', 'b'], shop: { name: 'x', rating: 4 } } },
  { id: 2, payload: { city: 'London', color: 'red', price: 20, tags: [], shop: { name: 'y', rating: 2 } } },
  { id: 3, payload: { city: 'Berlin', color: 'red', price: 30.5, tags: ['c'], note: null } },
  { id: 4, payload: { city: 'Moscow', color: 'blue', sizes: [38, 44], items: [{ sku: 'k1', qty: 1 }, { sku: 'k2', qty: 5 }] } },
  { id: '550e8400-e29b-41d4-a716-446655440000', payload: { city: 'Berlin', flag: true, list: [null, 1] } },
];

function matching(filter: unknown): PointId[] {
  const predicate = compileFilter(filter)!;
  return points.filter((point) => predicate(point.id, point.payload)).map((point) => point.id);
}

describe('filters (Qdrant semantics)', () => {
  it('match value: exact equality, any element of an array, strict types', () => {
    expect(matching({ must: [{ key: 'city', match: { value: 'London' } }] })).toEqual([1, 2]);
    expect(matching({ must: [{ key: 'tags', match: { value: 'b' } }] })).toEqual([1]);
    expect(matching({ must: [{ key: 'flag', match: { value: true } }] })).toEqual(['550e8400-e29b-41d4-a716-446655440000']);
    expect(matching({ must: [{ key: 'price', match: { value: '10' } }] })).toEqual([]);
  });

  it('match any / except', () => {
    expect(matching({ must: { key: 'color', match: { any: ['red', 'blue'] } } })).toEqual([2, 3, 4]);
    expect(matching({ must: { key: 'sizes', match: { any: [44] } } })).toEqual([4]);
    // except: the key must exist; an array holds when one of its elements is not excluded.
    expect(matching({ must: { key: 'color', match: { except: ['red'] } } })).toEqual([1, 4]);
    expect(matching({ must: { key: 'tags', match: { except: ['a'] } } })).toEqual([1, 3]);
  });

  it('range on numbers, arrays by any element, ignoring non-numbers', () => {
    expect(matching({ must: { key: 'price', range: { gt: 10, lte: 30.5 } } })).toEqual([2, 3]);
    expect(matching({ must: { key: 'sizes', range: { gte: 40 } } })).toEqual([4]);
    expect(matching({ must: { key: 'city', range: { gte: 0 } } })).toEqual([]);
  });

  it('is_empty: missing, null or []; is_null: present and null', () => {
    expect(matching({ must: { is_empty: { key: 'tags' } } })).toEqual([2, 4, '550e8400-e29b-41d4-a716-446655440000']);
    expect(matching({ must: { is_empty: { key: 'note' } } })).toEqual([1, 2, 3, 4, '550e8400-e29b-41d4-a716-446655440000']);
    expect(matching({ must: { is_null: { key: 'note' } } })).toEqual([3]);
    expect(matching({ must: { is_null: { key: 'list' } } })).toEqual(['550e8400-e29b-41d4-a716-446655440000']);
  });

  it('has_id normalises the ids it is given', () => {
    expect(matching({ must: { has_id: [3, '550E8400E29B41D4A716446655440000'] } })).toEqual([3, '550e8400-e29b-41d4-a716-446655440000']);
  });

  it('nested keys: a.b through objects, a[].b through arrays of objects', () => {
    expect(matching({ must: { key: 'shop.rating', range: { gte: 3 } } })).toEqual([1]);
    expect(matching({ must: { key: 'items[].qty', range: { gte: 5 } } })).toEqual([4]);
    expect(matching({ must: { key: 'items[].sku', match: { value: 'k1' } } })).toEqual([4]);
  });

  it('combines must, should, must_not and nested filters', () => {
    expect(matching({ should: [{ key: 'city', match: { value: 'Berlin' } }, { key: 'color', match: { value: 'green' } }] })).toEqual([
      1,
      3,
      '550e8400-e29b-41d4-a716-446655440000',
    ]);
    expect(matching({ must_not: [{ key: 'city', match: { value: 'London' } }] })).toEqual([3, 4, '550e8400-e29b-41d4-a716-446655440000']);
    expect(
      matching({
        must: [{ key: 'city', match: { any: ['London', 'Berlin'] } }],
        must_not: [{ should: [{ key: 'color', match: { value: 'red' } }, { has_id: [1] }] }],
      }),
    ).toEqual(['550e8400-e29b-41d4-a716-446655440000']);
    expect(matching({})).toHaveLength(points.length);
    expect(matching({ should: [] })).toHaveLength(points.length);
  });

  it.each([
    [{ must: [{ key: 'a', match: { text: 'x' } }] }],
    [{ must: [{ key: 'a', geo_radius: {} }] }],
    [{ must: [{ key: 'a' }] }],
    [{ must: [{ key: 'a', range: { gt: 'x' } }] }],
    [{ must: [{ has_id: ['nope'] }] }],
    [{ filter: {} }],
    [{ must: [42] }],
  ])('refuses %j with bad_request', (filter) => {
    expect(() => compileFilter(filter)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
