import { z } from 'zod';
import type { Filter, PointId, WithPayload } from '@hivehub/shard';
import { describe, RANGE_RULE } from './parse';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An unsigned integer, as Qdrant's usize: a negative or fractional number is a format error. */
export const uint = () =>
  z.number({ error: (iss) => `expected an unsigned integer, got ${describe(iss.input)}` }).refine((v) => Number.isSafeInteger(v) && v >= 0, {
    error: (iss) => `expected an unsigned integer, got ${describe(iss.input)}`,
    abort: true,
  });

/** A range rule on a number that deserialized fine: Qdrant's 422. */
export const atLeast = (schema: z.ZodType<number>, min: number) =>
  schema.refine((v) => v >= min, { message: `value invalid, must be ${min} or larger`, params: RANGE_RULE });

export const limitField = atLeast(uint(), 1);

/** Unsigned integers and UUID strings; the shard normalises and validates UUIDs. */
export const pointId = z.unknown().transform((v, ctx): PointId => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    if (Number.isSafeInteger(v)) return v;
    ctx.addIssue({ code: 'custom', message: `point id ${v} is above 2^53-1, the largest integer id supported` });
    return z.NEVER;
  }
  if (typeof v === 'string' && v.length > 0) return v;
  ctx.addIssue({ code: 'custom', message: `a point id is an unsigned integer or a UUID string, got ${describe(v)}` });
  return z.NEVER;
});

export const pointIds = z.array(pointId, { error: (iss) => `expected an array of point ids, got ${describe(iss.input)}` });

/** Why a value is not one dense vector, or null when it is. */
export function vectorProblem(v: unknown): string | null {
  if (Array.isArray(v)) {
    if (v.length === 0) return 'a vector must have at least one component';
    if (v.every((x) => Array.isArray(x))) return 'multi-vectors (several vectors per point) are not supported; send one array of numbers';
    const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) return `component ${bad} is ${describe(v[bad])}; every component must be a finite number`;
    return null;
  }
  if (isObject(v)) {
    if ('indices' in v && 'values' in v) return 'sparse vectors are not supported; send a dense array of numbers';
    if ('model' in v) return 'inference objects (documents, images) are not supported; send the vector itself';
    const names = Object.keys(v).map((k) => JSON.stringify(k));
    return `named vectors are not supported (got ${names.join(', ') || 'an empty object'}); send the vector as an array of numbers`;
  }
  return `expected a vector (an array of numbers), got ${describe(v)}`;
}

/** One dense vector. `{"": [...]}` is accepted: "" is Qdrant's name for the unnamed vector. */
export const denseVector = z.unknown().transform((v, ctx): number[] => {
  const value = isObject(v) && Object.keys(v).length === 1 && '' in v ? v[''] : v;
  const problem = vectorProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return value as number[];
});

/** true / false / a list of keys / `{"include": ...}`; exclusion lists are not supported. */
export const withPayload = z.unknown().transform((v, ctx): WithPayload => {
  if (typeof v === 'boolean') return v;
  const keys = isObject(v) && 'include' in v ? v.include : v;
  if (typeof keys === 'string') return [keys];
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return keys as string[];
  ctx.addIssue({
    code: 'custom',
    message:
      isObject(v) && 'exclude' in v
        ? 'payload exclusion ({"exclude": [...]}) is not supported; list the keys to include'
        : `expected true, false, a list of payload keys or {"include": [...]}, got ${describe(v)}`,
  });
  return z.NEVER;
});

/** true / false; a list of vector names is refused since collections hold one unnamed vector. */
export const withVector = z.unknown().transform((v, ctx): boolean => {
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((name) => name === '')) return v.length > 0;
  ctx.addIssue({
    code: 'custom',
    message: Array.isArray(v) ? 'named vectors are not supported; use with_vector: true or false' : `expected true or false, got ${describe(v)}`,
  });
  return z.NEVER;
});

/** A Qdrant filter object; the shard validates its conditions. */
export const filter = z
  .record(z.string(), z.unknown(), { error: (iss) => `a filter is an object with must / should / must_not, got ${describe(iss.input)}` })
  .nullable()
  .transform((v) => v as Filter | null);

/** A field HiveHub does not support: absent, null (or an empty value) is fine, anything else is refused. */
export const unsupported = (message: string) =>
  z.unknown().superRefine((v, ctx) => {
    const empty = v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
    if (!empty) ctx.addIssue({ code: 'custom', message });
  })
  .optional();

export const shardKey = unsupported('shard keys are not supported: each collection is one shard');

/** `?wait=true|false`; absent means false (acknowledged once appended), as in Qdrant. */
export const waitQuery = z.object(
  {
    wait: z
      .enum(['true', 'false'], { error: (iss) => `expected true or false, got ${describe(iss.input)}` })
      .optional()
      .transform((v) => v === 'true'),
  },
  { error: 'expected query parameters' },
);

/** Qdrant treats null like an absent field: both take the default. */
export const orDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) => z.preprocess((v) => v ?? fallback, schema);

/** An optional field that may also be null; either way it comes out undefined. */
export const maybe = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? undefined, schema.optional());
