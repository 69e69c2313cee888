import { z } from 'zod';
import { DomainError } from '@hivehub/common';

/**
 * Qdrant answers 400 "Format error" when a body does not deserialize (wrong type,
 * missing field, a negative number where an unsigned one is due, an unsupported
 * variant) and 422 "Validation error" when it deserializes but breaks a range rule
 * (limit 0, size above 65536). Range rules here carry this marker; every other
 * issue is a format error, and any format error makes the whole answer a 400.
 */
export const RANGE_RULE = { qdrant: 'validation' } as const;

export type Where = 'JSON body' | 'query parameters' | 'path parameters';

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function isRangeRule(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as Record<string, unknown> | undefined)?.qdrant === RANGE_RULE.qdrant;
}

/** A schema's output, or the DomainError Qdrant's own answer corresponds to. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: Where = 'JSON body'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const format = issues.filter((i) => !isRangeRule(i));
  const shown = format.length > 0 ? format : issues;
  const problems = shown.map((i) => (i.path.length ? `${pathOf(i.path)}: ${i.message}` : i.message));
  if (format.length > 0) throw new DomainError('bad_request', `Format error in ${where}: ${problems.join('; ')}`, { problems });
  throw new DomainError('validation_failed', `Validation error in ${where}: ${problems.join('; ')}`, { problems });
}

/** A request body: a JSON object (an absent body counts as `{}` where every field is optional). */
export function bodyObject<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(
    (v) => (v === undefined ? {} : v),
    z.object(shape, { error: (iss) => `expected a JSON object, got ${describe(iss.input)}` }),
  );
}

/** How a JSON value reads in an error message. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  if (v === undefined) return 'nothing';
  return `${typeof v} ${String(v)}`;
}
