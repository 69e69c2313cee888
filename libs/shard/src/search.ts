import { exactTopK, ScoredLabels } from './exact-search';
import { HnswIndex } from './hnsw-index';
import { selectPayload } from './payload';
import { PointTable } from './point-table';
import { parseSearchRequest, ParsedSearch } from './read-requests';
import { CollectionConfig, ScoredPoint } from './types';

export interface ReadView {
  readonly table: PointTable;
  readonly index: HnswIndex;
  readonly config: CollectionConfig;
}

/**
 * How a filtered search picks its path. Below `exactSearchBudget` multiply-adds
 * (or `minExactMatches` matching points) a brute-force pass over the matching
 * points is cheaper than a graph walk that calls back into JS per candidate, and
 * exact. Tests lower these to drive small collections through the graph path.
 */
export const SEARCH_TUNING = {
  exactSearchBudget: 1 << 21,
  minExactMatches: 1000,
  maxFilteredEf: 4096,
};

/**
 * Nearest neighbours, best first, Qdrant scores. The unfiltered path is one
 * hnswlib call plus one small object per returned point. A filtered search
 * returns `limit` points whenever that many match: small match sets are searched
 * exactly, large ones through the graph with the filter and a raised ef, falling
 * back to exact search when the graph walk comes back short.
 */
export function search(view: ReadView, raw: unknown): ScoredPoint[] {
  const request = parseSearchRequest(raw, view.config.size, view.config.hnsw.ef);
  const { table } = view;
  const k = request.limit + request.offset;
  if (table.size === 0) return [];
  return toScoredPoints(view, request.predicate ? filteredSearch(view, request, k) : plainSearch(view, request, k), request);
}

function plainSearch(view: ReadView, request: ParsedSearch, k: number): ScoredLabels {
  const { table } = view;
  if (request.exact) return exactTopK(table, view.index, request.vector, k, null);
  const want = Math.min(k, table.size);
  const found = graphSearch(view, request.vector, want, Math.max(request.ef, want));
  return found.labels.length < want ? exactTopK(table, view.index, request.vector, k, null) : found;
}

function filteredSearch(view: ReadView, request: ParsedSearch, k: number): ScoredLabels {
  const { table, config } = view;
  const predicate = request.predicate!;
  const matches = table.labelsMatching(predicate);
  if (matches.length === 0) return { labels: [], scores: [] };
  const small = matches.length <= Math.max(SEARCH_TUNING.minExactMatches, SEARCH_TUNING.exactSearchBudget / config.size);
  if (request.exact || small) return exactTopK(table, view.index, request.vector, k, matches);

  const allowed = new Uint8Array(table.highWater);
  for (const label of matches) allowed[label] = 1;
  const want = Math.min(k, matches.length);
  const base = Math.max(request.ef, want);
  const ef = Math.min(Math.ceil((base * table.size) / matches.length), Math.max(base, SEARCH_TUNING.maxFilteredEf));
  const found = graphSearch(view, request.vector, want, ef, allowed);
  return found.labels.length < want ? exactTopK(table, view.index, request.vector, k, matches) : found;
}

function graphSearch(view: ReadView, query: ArrayLike<number>, k: number, ef: number, allowed?: Uint8Array): ScoredLabels {
  const { labels, distances } = view.index.search(query, k, ef, allowed);
  const scores = new Array<number>(distances.length);
  for (let i = 0; i < distances.length; i++) scores[i] = view.index.scoreOf(distances[i]);
  return { labels, scores };
}

function toScoredPoints(view: ReadView, found: ScoredLabels, request: ParsedSearch): ScoredPoint[] {
  const { table } = view;
  const threshold = request.scoreThreshold;
  const euclid = view.config.distance === 'Euclid';
  const points: ScoredPoint[] = [];
  for (let i = request.offset; i < found.labels.length && points.length < request.limit; i++) {
    const score = found.scores[i];
    if (threshold !== null && (euclid ? score > threshold : score < threshold)) continue;
    const label = found.labels[i];
    const id = table.idAt(label);
    if (id === undefined) continue; // never serve a deleted slot, whatever the graph says
    const point: ScoredPoint = { id, version: table.versionAt(label), score };
    if (request.withPayload !== false) point.payload = selectPayload(table.payloadAt(label), request.withPayload);
    if (request.withVector) point.vector = Array.from(view.index.vectorAt(label));
    points.push(point);
  }
  return points;
}
