// Prisma's schema engine, compiled to WebAssembly, driven directly: the CLI would
// download a native engine binary, which this project never does.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const schemaPath = path.join(root, 'prisma/schema.prisma');
export const migrationsDir = path.join(root, 'prisma/migrations');
const noFilters = { externalTables: [], externalEnums: [] };

/** pg connection fields from a URL: PrismaPg ignores `database` overrides on a connectionString. */
export function pgConfig(url) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.replace(/^\//, '') || 'postgres',
  };
}

/** Migration folders in name order, as the engine and the migrator read them. */
export function readMigrations() {
  const dirs = fs.readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return dirs.map((name) => ({ name, sql: fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') }));
}

function migrationList() {
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: readMigrations().map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

let loaded = false;
async function loadEngine() {
  if (loaded) return;
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(wasmPath)), {
    './schema_engine_bg.js': engineModule,
  });
  engineModule.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  loaded = true;
}

/**
 * The schema describer reads Postgres' internal "char" type (OID 18), which
 * adapter-pg cannot map; its values arrive as strings, so call them text.
 */
function readCharAsText(adapter) {
  const performIO = adapter.performIO.bind(adapter);
  adapter.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
}

/**
 * An adapter whose shadow databases are real scratch databases on the same server,
 * never the main one, dropped after use.
 */
function adapterFor(config) {
  const factory = new PrismaPg(config);
  factory.connectToShadowDb = async () => {
    const name = `hivehub_shadow_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ ...config, database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const adapter = await new PrismaPg({ ...config, database: name }).connect();
    readCharAsText(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const dropper = new pg.Client({ ...config, database: 'postgres' });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    };
    return adapter;
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}

/**
 * SQL that takes a database migrated with the committed migrations to the state
 * schema.prisma describes; empty when they agree.
 */
export async function diffMigrationsToSchema(databaseUrl) {
  await loadEngine();
  const schema = fs.readFileSync(schemaPath, 'utf8');
  const engine = await engineModule.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    adapterFor(pgConfig(databaseUrl)),
  );
  const hasMigrations = readMigrations().length > 0;
  const result = await engine.diff({
    from: hasMigrations ? { tag: 'migrations', ...migrationList() } : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
    script: true,
    exitCode: null,
    filters: noFilters,
  });
  engine.free();
  const sql = result.stdout.trim();
  return sql === '' || sql === '-- This is an empty migration.' ? '' : `${sql}\n`;
}
