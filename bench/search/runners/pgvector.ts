import { row } from '../dataset';
import { K } from '../ground-truth';
import { seconds, sweep } from '../measure';
import { HNSW_EF_CONSTRUCT, HNSW_M } from './hnswlib';
import { EF_VALUES, type RunContext, type SystemResult, sweepSettings } from './types';

/**
 * (e) pgvector's HNSW inside PGlite: PostgreSQL compiled to WASM, in memory, one
 * connection, every query executed synchronously in the WASM instance (so 1 client
 * is all it can use). Rows are loaded with COPY from a blob (multi-row INSERT parses
 * about twice as slowly), then the index is built with enough maintenance_work_mem
 * for the whole graph.
 */
export async function runPgvector(ctx: RunContext): Promise<SystemResult> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { n, dim, queries } = ctx.data.params;
  const pg = await PGlite.create({ extensions: { vector } });
  try {
    await pg.exec('CREATE EXTENSION vector');
    await pg.exec(`CREATE TABLE items (id integer PRIMARY KEY, embedding vector(${dim}) NOT NULL)`);
    ctx.log(`pgvector (PGlite, WASM): copying ${n} rows...`);
    let t = performance.now();
    const chunk = 20_000;
    for (let i = 0; i < n; i += chunk) {
      const lines: string[] = [];
      for (let id = i; id < Math.min(n, i + chunk); id++) lines.push(`${id}\t[${row(ctx.data.vectors, dim, id).join(',')}]\n`);
      await pg.query("COPY items FROM '/dev/blob'", [], { blob: new Blob(lines) });
    }
    const copySeconds = seconds(t);
    t = performance.now();
    await pg.exec("SET maintenance_work_mem = '1GB'");
    await pg.exec(`CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCT})`);
    const indexSeconds = seconds(t);
    const count = (await pg.query<{ c: number }>('SELECT count(*)::int AS c FROM items')).rows[0].c;
    if (count !== n) throw new Error(`expected ${n} rows, found ${count}`);
    ctx.log(`  copied in ${copySeconds.toFixed(1)} s, HNSW built in ${indexSeconds.toFixed(1)} s`);

    const qs = Array.from({ length: queries }, (_, q) => `[${row(ctx.data.queries, dim, q).join(',')}]`);
    const plan = await pg.query<Record<string, string>>(`EXPLAIN SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${K}`, [qs[0]]);
    if (!plan.rows.some((r) => Object.values(r).join(' ').includes('items_hnsw'))) throw new Error('the query plan does not use the HNSW index');
    const result = await sweep({
      knob: 'ef_search',
      values: EF_VALUES,
      apply: (v) => pg.exec(`SET hnsw.ef_search = ${v}`).then(() => undefined),
      search: async (q) => (await pg.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${K}`, [qs[q]])).rows.map((r) => r.id),
      ...sweepSettings(ctx),
      queries,
      concurrency: [1],
    });
    return {
      name: 'pgvector',
      status: 'ok',
      setup: `@electric-sql/pglite 0.5.14 + pglite-pgvector 0.0.15 (PostgreSQL + pgvector as WASM, in memory, one connection), HNSW vector_cosine_ops m ${HNSW_M}, ef_construction ${HNSW_EF_CONSTRUCT}`,
      buildSeconds: copySeconds + indexSeconds,
      sweep: result,
      details: { copySeconds, indexSeconds },
    };
  } finally {
    await pg.close();
  }
}
