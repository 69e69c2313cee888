import { compileFilter, PointPredicate } from './filter';
import { parseWithPayload } from './payload';
import { normalizePointId } from './point-id';
import { PointId, ShardError, WithPayload } from './types';
import { requestVector } from './vector';

/** Requests as the read paths use them: validated, defaults filled, filter compiled. */

export interface ParsedSearch {
  vector: ArrayLike<number>;
  limit: number;
  offset: number;
  predicate: PointPredicate | null;
  withPayload: WithPayload;
  withVector: boolean;
  scoreThreshold: number | null;
  ef: number;
  exact: boolean;
}

export interface ParsedScroll {
  predicate: PointPredicate | null;
  limit: number;
  offset: PointId | null;
  withPayload: WithPayload;
  withVector: boolean;
}

export function parseSearchRequest(raw: unknown, dim: number, defaultEf: number): ParsedSearch {
  const request = asObject(raw, 'search request');
  const vector = requestVector(request.vector, dim, 'vector');
  const params = request.params === undefined || request.params === null ? {} : asObject(request.params, 'params');
  const threshold = request.score_threshold;
  if (threshold !== undefined && threshold !== null && (typeof threshold !== 'number' || !Number.isFinite(threshold))) {
    throw new ShardError('bad_request', 'score_threshold must be a finite number');
  }
  if (params.exact !== undefined && params.exact !== null && typeof params.exact !== 'boolean') {
    throw new ShardError('bad_request', 'params.exact must be a boolean');
  }
  return {
    vector,
    limit: integerIn(request.limit, 'limit', 1, 1_000_000, undefined),
    offset: integerIn(request.offset, 'offset', 0, 1_000_000, 0),
    predicate: compileFilter(request.filter),
    withPayload: parseWithPayload(request.with_payload, false),
    withVector: booleanOr(request.with_vector, 'with_vector', false),
    scoreThreshold: typeof threshold === 'number' ? threshold : null,
    ef: integerIn(params.hnsw_ef, 'params.hnsw_ef', 1, 65536, defaultEf),
    exact: params.exact === true,
  };
}

export function parseScrollRequest(raw: unknown): ParsedScroll {
  const request = raw === undefined || raw === null ? {} : asObject(raw, 'scroll request');
  return {
    predicate: compileFilter(request.filter),
    limit: integerIn(request.limit, 'limit', 1, 1_000_000, 10),
    offset: request.offset === undefined || request.offset === null ? null : normalizePointId(request.offset, 'offset'),
    withPayload: parseWithPayload(request.with_payload, true),
    withVector: booleanOr(request.with_vector, 'with_vector', false),
  };
}

export function parseIdList(raw: unknown, where: string): PointId[] {
  if (!Array.isArray(raw)) throw new ShardError('bad_request', `${where} must be a list of point ids`);
  return raw.map((id: unknown, i) => normalizePointId(id, `${where}[${i}]`));
}

export function asObject(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ShardError('bad_request', `${where} must be an object`);
  return raw as Record<string, unknown>;
}

export function booleanOr(raw: unknown, where: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'boolean') throw new ShardError('bad_request', `${where} must be a boolean`);
  return raw;
}

function integerIn(raw: unknown, where: string, min: number, max: number, fallback: number | undefined): number {
  if ((raw === undefined || raw === null) && fallback !== undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new ShardError('bad_request', `${where} must be an integer from ${min} to ${max}, got ${String(raw)}`);
  }
  return raw;
}
