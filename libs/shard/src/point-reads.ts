import { compileFilter } from './filter';
import { HnswIndex } from './hnsw-index';
import { parseWithPayload, selectPayload } from './payload';
import { comparePointIds } from './point-id';
import { PointTable } from './point-table';
import { asObject, booleanOr, parseIdList, parseScrollRequest } from './read-requests';
import { RetrievedPoint, ScrollResult, WithPayload } from './types';

/** retrieve, scroll and count: reads by id or payload; the graph is only asked for stored vectors. */
export interface PointsView {
  readonly table: PointTable;
  readonly index: HnswIndex;
}

export function retrieve(view: PointsView, raw: unknown): RetrievedPoint[] {
  const { table } = view;
  const request = asObject(raw, 'retrieve request');
  const ids = parseIdList(request.ids, 'ids');
  const withPayload = parseWithPayload(request.with_payload, true);
  const withVector = booleanOr(request.with_vector, 'with_vector', false);
  const seen = new Set<number>();
  const points: RetrievedPoint[] = [];
  for (const id of ids) {
    const label = table.labelOf(id);
    if (label === undefined || seen.has(label)) continue;
    seen.add(label);
    points.push(retrievedPoint(view, label, withPayload, withVector));
  }
  return points;
}

/** Pages through points in id order (integers, then UUIDs); `offset` is inclusive. */
export function scroll(view: PointsView, raw: unknown): ScrollResult {
  const { table } = view;
  const request = parseScrollRequest(raw);
  const ids = table.sortedIds();
  const start = request.offset === null ? 0 : lowerBound(ids, request.offset);
  const points: RetrievedPoint[] = [];
  for (let i = start; i < ids.length; i++) {
    const id = ids[i];
    const label = table.labelOf(id)!;
    if (request.predicate && !request.predicate(id, table.payloadAt(label))) continue;
    if (points.length === request.limit) return { points, next_page_offset: id };
    points.push(retrievedPoint(view, label, request.withPayload, request.withVector));
  }
  return { points, next_page_offset: null };
}

export function count(table: PointTable, raw: unknown): { count: number } {
  const request = raw === undefined || raw === null ? {} : asObject(raw, 'count request');
  const predicate = compileFilter(request.filter);
  if (!predicate) return { count: table.size };
  return { count: table.labelsMatching(predicate).length };
}

function retrievedPoint({ table, index }: PointsView, label: number, withPayload: WithPayload, withVector: boolean): RetrievedPoint {
  const point: RetrievedPoint = { id: table.idAt(label)! };
  if (withPayload !== false) point.payload = selectPayload(table.payloadAt(label), withPayload);
  if (withVector) point.vector = Array.from(index.vectorAt(label));
  return point;
}

function lowerBound(ids: readonly (number | string)[], target: number | string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (comparePointIds(ids[mid], target) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
