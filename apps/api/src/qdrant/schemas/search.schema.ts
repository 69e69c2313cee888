import { z } from 'zod';
import type { ScrollRequest, SearchRequest } from '@hivehub/shard';
import { denseVector, filter, limitField, maybe, orDefault, shardKey, uint, unsupported, withPayload, withVector } from './common.schema';
import { bodyObject, describe } from './parse';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Search-time knobs HiveHub honours; quantization, indexed_only and the like are accepted and ignored. */
const searchParams = z
  .object(
    {
      hnsw_ef: maybe(uint()),
      exact: maybe(z.boolean({ error: (iss) => `expected true or false, got ${describe(iss.input)}` })),
    },
    { error: (iss) => `expected an object, got ${describe(iss.input)}` },
  )
  .transform((p) => ({ ...(p.hnsw_ef !== undefined ? { hnsw_ef: p.hnsw_ef } : {}), ...(p.exact !== undefined ? { exact: p.exact } : {}) }));

const scoreThreshold = maybe(z.number({ error: (iss) => `expected a number, got ${describe(iss.input)}` }));

/** The fields search and query share, with Qdrant's defaults: no payload, no vector, offset 0. */
const common = {
  filter: filter.optional(),
  params: maybe(searchParams),
  with_payload: orDefault(withPayload, false),
  with_vector: orDefault(withVector, false),
  score_threshold: scoreThreshold,
  offset: orDefault(uint(), 0),
  shard_key: shardKey,
};

type Common = z.output<z.ZodObject<typeof common>>;

function toSearch(vector: number[], limit: number, b: Common): SearchRequest {
  return {
    vector,
    limit,
    offset: b.offset,
    with_payload: b.with_payload,
    with_vector: b.with_vector,
    ...(b.filter ? { filter: b.filter } : {}),
    ...(b.score_threshold !== undefined ? { score_threshold: b.score_threshold } : {}),
    ...(b.params && Object.keys(b.params).length ? { params: b.params } : {}),
  };
}

/** Qdrant's NamedVectorStruct `{"name", "vector"}` is accepted only for the unnamed vector "". */
const searchVector = z
  .unknown()
  .transform((v, ctx) => {
    if (isObject(v) && 'name' in v && 'vector' in v) {
      if (v.name === '') return v.vector;
      ctx.addIssue({ code: 'custom', message: `named vectors are not supported (got ${JSON.stringify(v.name)}); send the vector as an array of numbers` });
      return z.NEVER;
    }
    return v;
  })
  .pipe(denseVector);

const searchBody = {
  vector: searchVector,
  limit: limitField,
  ...common,
};

/** POST /collections/{name}/points/search (Qdrant's classic search; `limit` is required there). */
export const searchSchema = bodyObject(searchBody).transform((b): SearchRequest => toSearch(b.vector, b.limit, b));

export const searchBatchSchema = bodyObject({
  searches: z.array(z.object(searchBody, { error: (iss) => `each search is an object, got ${describe(iss.input)}` }), {
    error: (iss) => `expected an array of search requests, got ${describe(iss.input)}`,
  }),
}).transform((b): SearchRequest[] => b.searches.map((s) => toSearch(s.vector, s.limit, s)));

/**
 * How the Query API's `query` is served: `nearest` is a vector search; without a
 * query Qdrant scrolls in id order (score 1, version 0, no score_threshold) and
 * skips `offset` points, so such a page costs offset + limit points read.
 */
export type QueryPlan =
  | { kind: 'nearest'; request: SearchRequest }
  | { kind: 'scroll'; request: ScrollRequest; offset: number; limit: number };

const queryInput = z.unknown().transform((v, ctx): number[] | undefined => {
  if (v === undefined || v === null) return undefined;
  const refuse = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (typeof v === 'number' || typeof v === 'string') return refuse('querying by point id is not supported; send the vector itself');
  let vector: unknown = v;
  if (isObject(v) && 'nearest' in v) {
    if (v.mmr !== undefined && v.mmr !== null) return refuse('MMR (nearest.mmr) is not supported');
    vector = v.nearest;
    if (typeof vector === 'number' || typeof vector === 'string') return refuse('querying by point id is not supported; send the vector itself');
  } else if (isObject(v)) {
    const kind = Object.keys(v)[0] ?? '{}';
    if (!('indices' in v)) return refuse(`query ${JSON.stringify(kind)} is not supported; send a vector or {"nearest": vector}`);
  }
  const parsed = denseVector.safeParse(vector);
  if (!parsed.success) return refuse(parsed.error.issues[0].message);
  return parsed.data;
}).optional();

const queryBody = {
  query: queryInput,
  using: maybe(z.literal('', { error: 'named vectors are not supported (using); leave it out' })),
  prefetch: unsupported('prefetch (multi-stage queries) is not supported'),
  lookup_from: unsupported('lookup_from is not supported'),
  limit: orDefault(limitField, 10),
  ...common,
};

function toPlan(b: z.output<z.ZodObject<typeof queryBody>>): QueryPlan {
  if (b.query) return { kind: 'nearest', request: toSearch(b.query, b.limit, b) };
  const request: ScrollRequest = {
    limit: b.offset + b.limit,
    with_payload: b.with_payload,
    with_vector: b.with_vector,
    ...(b.filter ? { filter: b.filter } : {}),
  };
  return { kind: 'scroll', request, offset: b.offset, limit: b.limit };
}

/** POST /collections/{name}/points/query (the Query API, as the official clients call it). */
export const querySchema = bodyObject(queryBody).transform(toPlan);

export const queryBatchSchema = bodyObject({
  searches: z.array(z.object(queryBody, { error: (iss) => `each query is an object, got ${describe(iss.input)}` }), {
    error: (iss) => `expected an array of query requests, got ${describe(iss.input)}`,
  }),
}).transform((b): QueryPlan[] => b.searches.map(toPlan));
