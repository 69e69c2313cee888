import { normalizePointId } from './point-id';
import { parseKeyPath, PathStep, someValueAtPath } from './payload';
import type { IndexedValue } from './payload-index';
import { Payload, PointId, ShardError } from './types';

/**
 * Qdrant filter semantics, compiled once per request into a predicate:
 * must = all, should = at least one (when non-empty), must_not = none. A field
 * condition holds when ANY value found at its key holds (array elements count one
 * by one); a missing key fails every condition except is_empty.
 */
export interface PointPredicate {
  (id: PointId, payload: Payload): boolean;
  /** Conditions of the filter's top-level `must` that every match meets and an index can answer. */
  narrowing?: Narrowing[];
}

/** A `has_id` list, or a `match` of `value` / `any` on a key: every matching point is among these. */
export type Narrowing = { ids: PointId[] } | { key: string; path: PathStep[]; values: IndexedValue[] };

type ValueCheck = (value: unknown) => boolean;

export function compileFilter(filter: unknown): PointPredicate | null {
  if (filter === undefined || filter === null) return null;
  const predicate: PointPredicate = compileClauses(filter, 'filter');
  const narrowing = narrowingOf(filter as Record<string, unknown>);
  if (narrowing.length > 0) predicate.narrowing = narrowing;
  return predicate;
}

/** Called on a filter compileClauses accepted, so its shapes are known good. */
function narrowingOf(filter: Record<string, unknown>): Narrowing[] {
  const must = filter.must === undefined || filter.must === null ? [] : Array.isArray(filter.must) ? filter.must : [filter.must];
  const narrowing: Narrowing[] = [];
  for (const condition of must as Record<string, unknown>[]) {
    if (Array.isArray(condition.has_id)) {
      narrowing.push({ ids: condition.has_id.map((id) => normalizePointId(id)) });
    } else if (typeof condition.key === 'string' && condition.range === undefined && condition.match !== undefined) {
      const match = condition.match as Record<string, unknown>;
      const values = 'value' in match ? [match.value as IndexedValue] : 'any' in match ? (match.any as IndexedValue[]) : null;
      if (values) narrowing.push({ key: condition.key, path: parseKeyPath(condition.key), values });
    }
  }
  return narrowing;
}

function compileClauses(filter: unknown, where: string): PointPredicate {
  const object = asObject(filter, where);
  for (const key of Object.keys(object)) {
    if (key !== 'must' && key !== 'should' && key !== 'must_not') {
      throw new ShardError('bad_request', `${where}: unknown clause "${key}" (expected must, should, must_not)`);
    }
  }
  const must = conditionList(object.must, `${where}.must`);
  const should = conditionList(object.should, `${where}.should`);
  const mustNot = conditionList(object.must_not, `${where}.must_not`);
  return (id, payload) => {
    for (const condition of must) if (!condition(id, payload)) return false;
    if (should.length > 0 && !should.some((condition) => condition(id, payload))) return false;
    for (const condition of mustNot) if (condition(id, payload)) return false;
    return true;
  };
}

function conditionList(raw: unknown, where: string): PointPredicate[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((condition, i) => compileCondition(condition, `${where}[${i}]`));
}

function compileCondition(raw: unknown, where: string): PointPredicate {
  const condition = asObject(raw, where);
  if ('key' in condition) return compileFieldCondition(condition, where);
  if ('has_id' in condition) {
    if (!Array.isArray(condition.has_id)) throw new ShardError('bad_request', `${where}.has_id must be a list of point ids`);
    const ids = new Set<PointId>(condition.has_id.map((id) => normalizePointId(id)));
    return (id) => ids.has(id);
  }
  if ('is_empty' in condition) {
    const path = parseKeyPath(asObject(condition.is_empty, `${where}.is_empty`).key);
    // Empty: no value at the key, or one that is null or [].
    return (_id, payload) => {
      let found = false;
      const emptyOne = someValueAtPath(payload, path, (value) => {
        found = true;
        return isEmptyValue(value);
      });
      return emptyOne || !found;
    };
  }
  if ('is_null' in condition) {
    const path = parseKeyPath(asObject(condition.is_null, `${where}.is_null`).key);
    return (_id, payload) => someValueAtPath(payload, path, isNullValue);
  }
  if ('must' in condition || 'should' in condition || 'must_not' in condition || Object.keys(condition).length === 0) {
    return compileClauses(condition, where);
  }
  throw new ShardError('bad_request', `${where}: unsupported condition with keys ${Object.keys(condition).join(', ')}`);
}

function isEmptyValue(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

function isNullValue(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.some((element) => element === null));
}

function compileFieldCondition(condition: Record<string, unknown>, where: string): PointPredicate {
  for (const key of Object.keys(condition)) {
    if (key !== 'key' && key !== 'match' && key !== 'range') {
      throw new ShardError('bad_request', `${where}: unsupported field condition "${key}"`);
    }
  }
  const path: PathStep[] = parseKeyPath(condition.key);
  const checks: ValueCheck[] = [];
  if (condition.match !== undefined) checks.push(compileMatch(condition.match, `${where}.match`));
  if (condition.range !== undefined) checks.push(compileRange(condition.range, `${where}.range`));
  if (checks.length === 0) throw new ShardError('bad_request', `${where}: a field condition needs match or range`);
  const checkElement: ValueCheck = checks.length === 1 ? checks[0] : (value) => checks.every((check) => check(value));
  // An array value holds when one of its elements does (arrays inside arrays are not flattened).
  const checkValue: ValueCheck = (value) => (Array.isArray(value) ? value.some(checkElement) : checkElement(value));
  return (_id, payload) => someValueAtPath(payload, path, checkValue);
}

function compileMatch(raw: unknown, where: string): ValueCheck {
  const match = asObject(raw, where);
  const kinds = Object.keys(match);
  if (kinds.length !== 1) throw new ShardError('bad_request', `${where} must have exactly one of value, any, except`);
  if ('value' in match) {
    const expected = match.value;
    const type = typeof expected;
    if (type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(expected))) {
      throw new ShardError('bad_request', `${where}.value must be a string, number or boolean`);
    }
    return (value) => value === expected;
  }
  if ('any' in match) {
    const allowed = keywordSet(match.any, `${where}.any`);
    return (value) => (typeof value === 'string' || typeof value === 'number') && allowed.has(value);
  }
  if ('except' in match) {
    const excluded = keywordSet(match.except, `${where}.except`);
    // Qdrant: null never satisfies except; any other value does unless it is listed.
    return (value) => value !== null && !excluded.has(value as string | number);
  }
  throw new ShardError('bad_request', `${where}: unsupported match "${kinds[0]}"`);
}

function keywordSet(raw: unknown, where: string): Set<string | number> {
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
    throw new ShardError('bad_request', `${where} must be a list of strings or numbers`);
  }
  return new Set(raw as (string | number)[]);
}

function compileRange(raw: unknown, where: string): ValueCheck {
  const range = asObject(raw, where);
  const bound = (name: string): number | undefined => {
    const value = range[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShardError('bad_request', `${where}.${name} must be a finite number`);
    return value;
  };
  for (const key of Object.keys(range)) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(key)) throw new ShardError('bad_request', `${where}: unknown bound "${key}"`);
  }
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  return (value) =>
    typeof value === 'number' &&
    (gt === undefined || value > gt) &&
    (gte === undefined || value >= gte) &&
    (lt === undefined || value < lt) &&
    (lte === undefined || value <= lte);
}

function asObject(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ShardError('bad_request', `${where} must be an object`);
  }
  return raw as Record<string, unknown>;
}
