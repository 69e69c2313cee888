// Creates the database named in DATABASE_URL when it does not exist yet, connecting
// to the server's `postgres` maintenance database (or `template1`) with the same
// credentials. Safe when several processes race: "already exists" is success.
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const u = new URL(url);
const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
if (!name) {
  console.error(`DATABASE_URL names no database: ${u.protocol}//${u.host}/`);
  process.exit(2);
}
const where = `${u.hostname}:${u.port || 5432} as ${decodeURIComponent(u.username) || 'the default user'}`;

async function connect(database) {
  const m = new URL(url);
  m.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: m.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const hint = /password|SASL|SCRAM/i.test(err.message)
      ? ' (the server asks for a password: put it in DATABASE_URL, or allow trust auth for local TCP in pg_hba.conf)'
      : '';
    err.message = `cannot connect to PostgreSQL at ${where} (database ${database}): ${err.message}${hint}`;
    throw err;
  }
  return client;
}

async function main() {
  let admin;
  try {
    admin = await connect('postgres');
  } catch (err) {
    if (err.code !== '3D000') throw err; // 3D000: database "postgres" does not exist
    admin = await connect('template1');
  }
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount > 0) return;
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`created database ${name}`);
    } catch (err) {
      // 42P04 duplicate_database; 23505 when two CREATE DATABASE race on the catalogue
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    }
  } finally {
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
