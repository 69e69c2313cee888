// Fails when prisma/schema.prisma and the committed migrations disagree: the
// migrations are replayed into a scratch database and diffed against the schema.
import { diffMigrationsToSchema } from './schema-engine.mjs';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const sql = await diffMigrationsToSchema(url);
if (sql) {
  console.error('schema.prisma and prisma/migrations have drifted. The missing migration would be:\n');
  console.error(sql);
  console.error('Run `npm run db:migration -- <name>` to write it.');
  process.exit(1);
}
console.log('schema.prisma matches prisma/migrations');
// The engine's adapter keeps an idle pool open; do not wait for it to time out.
process.exit(0);
