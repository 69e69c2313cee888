import { compileFilter, PointPredicate } from './filter';
import { PayloadValueIndex } from './payload-index';
import { MAX_VALUE_INDEXES, PointTable } from './point-table';
import { Payload, PointId } from './types';

/** A small seeded generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const FILTERS: unknown[] = [
  { must: [{ key: 'color', match: { value: 'red' } }] },
  { must: { key: 'color', match: { any: ['blue', 'green'] } } },
  { must: [{ key: 'n', match: { value: 3 } }, { key: 'color', match: { value: 'red' } }] },
  { must: [{ key: 'n', match: { any: [0, 5] } }], must_not: [{ key: 'color', match: { value: 'red' } }] },
  { must: [{ key: 'tags', match: { value: 'b' } }] },
  { must: [{ key: 'shop.name', match: { value: 'y' } }, { key: 'n', range: { gte: 2 } }] },
  { must: [{ key: 'items[].sku', match: { any: ['k1', 'k3'] } }] },
  { must: [{ key: 'flag', match: { value: true } }] },
  { must: [{ has_id: [1, 7, 19, 40, 'ffffffff-0000-0000-0000-000000000001'] }], should: [{ key: 'flag', match: { value: false } }] },
  { must: [{ key: 'color', match: { value: 'red' } }, { has_id: [3, 4, 5, 6, 7, 8] }] },
  { should: [{ key: 'color', match: { value: 'red' } }] },
];

/** Each index's entries (white box): what the table kept current, and the same built afresh from the live points. */
function indexEntries(table: PointTable): { kept: Map<string, string>; fresh: Map<string, string> } {
  const show = (index: PayloadValueIndex) =>
    JSON.stringify(
      [...(index as unknown as { labelsByValue: Map<unknown, number | Set<number>> }).labelsByValue]
        .map(([value, held]) => JSON.stringify([value, typeof held === 'number' ? [held] : [...held].sort((a, b) => a - b)]))
        .sort(),
    );
  const kept = new Map<string, string>();
  const fresh = new Map<string, string>();
  for (const [key, index] of (table as unknown as { valueIndexes: Map<string, PayloadValueIndex> }).valueIndexes) {
    kept.set(key, show(index));
    const rebuilt = new PayloadValueIndex(index.path);
    for (let label = 0; label < table.highWater; label++) if (table.idAt(label) !== undefined) rebuilt.add(label, table.payloadAt(label));
    fresh.set(key, show(rebuilt));
  }
  return { kept, fresh };
}

function scan(table: PointTable, predicate: PointPredicate): number[] {
  const labels: number[] = [];
  for (let label = 0; label < table.highWater; label++) {
    const id = table.idAt(label);
    if (id !== undefined && predicate(id, table.payloadAt(label))) labels.push(label);
  }
  return labels;
}

describe('PointTable.labelsMatching with value indexes', () => {
  it('answers as a scan of every point does, through inserts, updates, deletes and reused slots', () => {
    const next = random(7);
    const pick = <T>(values: T[]): T => values[Math.floor(next() * values.length)];
    const payload = (): Payload => {
      const p: Record<string, unknown> = {};
      if (next() < 0.8) p.color = pick(['red', 'blue', 'green', null, ['red', 'blue']]);
      if (next() < 0.8) p.n = pick([0, 1, 2, 3, 4, 5, '3']);
      if (next() < 0.5) p.tags = pick([[], ['a'], ['a', 'b'], 'b', [['b']]]);
      if (next() < 0.5) p.shop = pick([{ name: 'x' }, { name: 'y' }, [{ name: 'y' }, { name: 'z' }], null]);
      if (next() < 0.5) p.items = pick([[{ sku: 'k1' }], [{ sku: 'k2' }, { sku: 'k3' }], { sku: 'k1' }, []]);
      if (next() < 0.5) p.flag = pick([true, false, 'true']);
      return p as Payload;
    };
    const table = new PointTable(2);
    const predicates = FILTERS.map((f) => compileFilter(f)!);
    const ids: PointId[] = [];
    const matched = predicates.map(() => 0);
    let version = 0;
    for (let step = 0; step < 3000; step++) {
      const roll = next();
      if (roll < 0.45 || ids.length === 0) {
        const id: PointId = next() < 0.1 ? `ffffffff-0000-0000-0000-${String(step).padStart(12, '0')}` : step % 60;
        const label = table.labelOf(id) ?? table.nextFreeLabel().label;
        table.set(id, label, payload(), 10, ++version);
        if (!ids.includes(id)) ids.push(id);
      } else if (roll < 0.75) {
        const id = pick(ids);
        table.set(id, table.labelOf(id)!, payload(), 10, ++version);
      } else {
        const id = ids.splice(Math.floor(next() * ids.length), 1)[0];
        table.delete(id);
      }
      if (step % 25 === 0) {
        predicates.forEach((predicate, i) => {
          const labels = table.labelsMatching(predicate);
          expect(labels).toEqual(scan(table, predicate));
          matched[i] += labels.length;
        });
        const { kept, fresh } = indexEntries(table);
        expect(kept).toEqual(fresh);
      }
    }
    // Every filter matched something along the way, and the first keys filtered on were indexed.
    expect(matched.every((n) => n > 0)).toBe(true);
    expect(indexEntries(table).kept.size).toBe(MAX_VALUE_INDEXES);
  });

  it(`indexes at most ${MAX_VALUE_INDEXES} keys and scans for the others`, () => {
    const table = new PointTable(2);
    for (let id = 0; id < 50; id++) {
      const p: Record<string, unknown> = {};
      for (let k = 0; k < MAX_VALUE_INDEXES + 4; k++) p[`k${k}`] = id % (k + 2);
      table.set(id, table.nextFreeLabel().label, p as Payload, 10, id + 1);
    }
    for (let k = 0; k < MAX_VALUE_INDEXES + 4; k++) {
      const predicate = compileFilter({ must: [{ key: `k${k}`, match: { value: 1 } }] })!;
      expect(table.labelsMatching(predicate)).toEqual(scan(table, predicate));
    }
    table.delete(1);
    const last = compileFilter({ must: [{ key: `k${MAX_VALUE_INDEXES + 3}`, match: { value: 1 } }] })!;
    expect(table.labelsMatching(last)).toEqual(scan(table, last));
  });
});
