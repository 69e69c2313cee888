import { z } from 'zod';
import { DomainError } from '@hivehub/common';
import { normalizePointId, type CountRequest, type PointId, type PointsSelector, type PointStruct, type RetrieveRequest, type ScrollRequest } from '@hivehub/shard';
import { denseVector, filter, limitField, maybe, orDefault, pointId, pointIds, shardKey, unsupported, withPayload, withVector } from './common.schema';
import { bodyObject, describe } from './parse';

const payload = z
  .record(z.string(), z.unknown(), { error: (iss) => `a payload is a JSON object or null, got ${describe(iss.input)}` })
  .nullable()
  .optional();

const pointStruct = z.object(
  { id: pointId, vector: denseVector, payload },
  { error: (iss) => `a point is {"id", "vector", "payload"?}, got ${describe(iss.input)}` },
);

const batch = z
  .object(
    {
      ids: pointIds,
      vectors: z.array(denseVector, { error: (iss) => `expected an array of vectors, got ${describe(iss.input)}` }),
      payloads: z.array(payload, { error: (iss) => `expected an array of objects or nulls, got ${describe(iss.input)}` }).nullish(),
    },
    { error: (iss) => `batch is {"ids", "vectors", "payloads"?}, got ${describe(iss.input)}` },
  )
  .superRefine((b, ctx) => {
    if (b.vectors.length !== b.ids.length) {
      ctx.addIssue({ code: 'custom', message: `${b.ids.length} ids but ${b.vectors.length} vectors; give one vector per id` });
    }
    if (b.payloads && b.payloads.length !== b.ids.length) {
      ctx.addIssue({ code: 'custom', message: `${b.ids.length} ids but ${b.payloads.length} payloads; give one payload (or null) per id` });
    }
  });

/** PUT /collections/{name}/points: `{"points": [...]}` or `{"batch": {...}}`. */
export const upsertSchema = bodyObject({
  points: pointStruct.array().optional(),
  batch: batch.optional(),
  shard_key: shardKey,
  update_filter: unsupported('conditional upserts (update_filter) are not supported'),
  update_mode: maybe(z.literal('upsert', { error: 'only update_mode "upsert" is supported' })),
}).transform((body, ctx): PointStruct[] => {
  if ((body.points === undefined) === (body.batch === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'send either {"points": [...]} or {"batch": {"ids", "vectors", "payloads"?}}' });
    return z.NEVER;
  }
  if (body.points) return body.points.map((p) => ({ id: p.id, vector: p.vector, ...(p.payload !== undefined ? { payload: p.payload } : {}) }));
  const b = body.batch!;
  return b.ids.map((id, i) => ({ id, vector: b.vectors[i], ...(b.payloads?.[i] !== undefined ? { payload: b.payloads[i] } : {}) }));
});

/** POST /collections/{name}/points: retrieve by ids; payload by default, no vector (Qdrant's defaults). */
export const retrieveSchema = bodyObject({
  ids: pointIds,
  with_payload: orDefault(withPayload, true),
  with_vector: orDefault(withVector, false),
  shard_key: shardKey,
}).transform(({ ids, with_payload, with_vector }): RetrieveRequest => ({ ids, with_payload, with_vector }));

/** POST /collections/{name}/points/delete: `{"points": [...]}` or `{"filter": {...}}`. */
export const deletePointsSchema = bodyObject({
  points: pointIds.optional(),
  filter: filter.optional(),
  shard_key: shardKey,
}).transform((body, ctx): PointsSelector => {
  const hasFilter = body.filter !== undefined && body.filter !== null;
  if ((body.points === undefined) === !hasFilter) {
    ctx.addIssue({ code: 'custom', message: 'send either {"points": [ids...]} or {"filter": {...}}' });
    return z.NEVER;
  }
  return body.points ? { points: body.points } : { filter: body.filter! };
});

/** POST /collections/{name}/points/scroll: 10 points with payload, ordered by id. */
export const scrollSchema = bodyObject({
  filter: filter.optional(),
  limit: orDefault(limitField, 10),
  offset: maybe(pointId),
  with_payload: orDefault(withPayload, true),
  with_vector: orDefault(withVector, false),
  order_by: unsupported('order_by is not supported; points scroll in id order'),
  shard_key: shardKey,
}).transform(
  (b): ScrollRequest => ({
    limit: b.limit,
    with_payload: b.with_payload,
    with_vector: b.with_vector,
    ...(b.filter ? { filter: b.filter } : {}),
    ...(b.offset !== undefined ? { offset: b.offset } : {}),
  }),
);

/** POST /collections/{name}/points/count. Counts are always exact here. */
export const countSchema = bodyObject({
  filter: filter.optional(),
  exact: orDefault(z.boolean({ error: (iss) => `expected true or false, got ${describe(iss.input)}` }), true),
  shard_key: shardKey,
}).transform((b): CountRequest => ({ exact: b.exact, ...(b.filter ? { filter: b.filter } : {}) }));

/** GET /collections/{name}/points/{id}: digits are an integer id, else it must be a UUID; anything else is a 400 naming the path. */
export function pointIdFromPath(raw: string): PointId {
  if (/^\d+$/.test(raw)) {
    if (Number.isSafeInteger(Number(raw))) return Number(raw);
    throw new DomainError('bad_request', `Format error in path parameters: point id ${raw} is above 2^53-1, the largest integer id supported`);
  }
  try {
    return normalizePointId(raw);
  } catch {
    throw new DomainError('bad_request', `Format error in path parameters: point id ${JSON.stringify(raw)} is neither an unsigned integer nor a UUID`);
  }
}
