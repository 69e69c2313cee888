#!/usr/bin/env bash
# Brings a checkout to a runnable, testable state. Idempotent and quiet when there
# is nothing to do; prints one line per action taken and a clear error on failure.
#
#   a. npm ci                 when node_modules is missing or package-lock.json changed;
#                             the native graph (libs/shard/native) rebuilt when its sources changed
#   b. PostgreSQL             answers on DATABASE_URL's host:port; a local one is started
#                             (and installed from Debian's packages if missing)
#   c. Redis                  same, for REDIS_URL
#   d. database               created if missing, then scripts/db/migrate.mjs
#   e. prisma generate        when libs/db/src/generated/prisma is missing or the schema changed
#   f. build (npm run build)  when any apps/ libs/ source or tsconfig changed since the last build
#   g. promtool               with SETUP_PROMTOOL=1 (npm test sets it): Debian's `prometheus`
#                             package when promtool is missing, to check deploy/prometheus
#
# Environment (a .env file at the repo root is loaded first; it never overrides
# variables that are already set):
#   DATABASE_URL   default postgresql://postgres@127.0.0.1:5432/hivehub
#   REDIS_URL      default redis://127.0.0.1:6379
#   SETUP_SKIP_INSTALL / _SERVICES / _POSTGRES / _REDIS / _DB / _GENERATE / _BUILD=1
#                  skip that step
#   SETUP_VERBOSE=1  show the output of every command (normally shown only on failure)
#
# Only services on this machine (127.0.0.1, localhost, ::1) are started or installed;
# a remote one that does not answer is an error. Stamps: .setup-stamp-* (gitignored)
# and dist/.build-stamp.
set -Eeuo pipefail
SCRIPT_NAME=setup
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"
exec </dev/null

STEP=start
# Unexpected failures (expected ones call die with a message of their own); reported
# once, by the main shell, not again by each subshell it failed in.
trap 'rc=$?; [[ $BASHPID != "$$" ]] || warn "FAILED during step \"$STEP\" (line $LINENO: $BASH_COMMAND; exit $rc)"; exit $rc' ERR

load_dotenv
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hivehub}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
VERBOSE="${SETUP_VERBOSE:-0}"

# skip NAME: true when SETUP_SKIP_NAME is set to anything but "", 0, false or no.
skip() {
  local v="SETUP_SKIP_$1"
  case "${!v:-}" in "" | 0 | false | no) return 1 ;; *) return 0 ;; esac
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hivehub-setup.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# run_quiet LABEL CMD...: runs CMD with its output kept aside; on failure prints the
# last lines of that output and exits 1.
run_quiet() {
  local label="$1" rc=0
  shift
  # 9>&-: the setup lock must not leak into daemons started here (PostgreSQL, Redis),
  # or it would stay held for as long as they run.
  if [[ "$VERBOSE" == 1 ]]; then
    "$@" 9>&- || rc=$?
  else
    "$@" >"$WORK/out" 2>&1 9>&- || rc=$?
  fi
  if ((rc != 0)); then
    if [[ "$VERBOSE" != 1 ]]; then
      warn "$label failed (exit $rc); last lines of its output:"
      tail -n 60 "$WORK/out" | sed 's/^/    /' >&2
    fi
    die "$label failed (step \"$STEP\")"
  fi
}

# wait_for SECONDS DESCRIPTION CMD...: polls CMD every 0.5 s until it succeeds.
wait_for() {
  local limit="$1" what="$2"
  local deadline=$((SECONDS + limit))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || die "$what did not come up within ${limit}s"
    sleep 0.5
  done
}

need_root() {
  [[ "$(id -u)" == 0 ]] || die "need root to $1 (run this script as root, or do it yourself and re-run)"
}

APT_UPDATED=0
apt_install() {
  need_root "install $*"
  command -v apt-get >/dev/null || die "cannot install $* here: no apt-get; install it yourself and re-run"
  say "installing $* from Debian's packages (apt-get)..."
  if ((APT_UPDATED == 0)); then
    run_quiet "apt-get update" apt-get update -q
    APT_UPDATED=1
  fi
  run_quiet "apt-get install $*" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# Serialise concurrent setups (npm ci or a build running twice at once breaks both).
if command -v flock >/dev/null; then
  exec 9>"$ROOT/.setup-stamp.lock"
  if ! flock -n 9; then
    say "waiting for another setup run to finish..."
    flock -w 900 9 || die "another setup run has held .setup-stamp.lock for 15 minutes"
  fi
fi

# ---------------------------------------------------------------- a. npm packages
step_install() {
  STEP="npm ci"
  local stamp=.setup-stamp-npm want
  want="$(hash_files package-lock.json)"
  if [[ -f node_modules/.package-lock.json ]]; then
    # npm itself rewrites node_modules/.package-lock.json on every install, so a lock
    # file older than it is installed; a newer one with unchanged content is too.
    if [[ ! package-lock.json -nt node_modules/.package-lock.json ]] ||
      [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
      [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] || echo "$want" >"$stamp"
      return 0
    fi
  fi
  say "installing npm packages (npm ci)..."
  run_quiet "npm ci" npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
  # npm ci has just built the native graph from these sources.
  native_sources_hash >.setup-stamp-native
}

# The shard engine's native graph (libs/shard/native): npm ci builds it; this rebuilds
# it when its sources changed since (a pull without a lock-file change).
native_sources_hash() { hash_files libs/shard/native/binding.gyp libs/shard/native/src/*.cc libs/shard/native/src/*.h libs/shard/native/vendor/*/*.h libs/shard/native/package.json; }

step_native() {
  STEP="native build"
  local stamp=.setup-stamp-native want
  want="$(native_sources_hash)"
  if [[ -f libs/shard/native/build/Release/vector_graph.node && -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
    return 0
  fi
  say "building the native graph (npm rebuild hivehub-vector-graph)..."
  run_quiet "npm rebuild" npm rebuild hivehub-vector-graph
  echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- b. PostgreSQL
pg_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

pg_installed() {
  command -v pg_ctlcluster >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Prints "version name status" of the cluster configured for PG_PORT, if any.
pg_cluster_for_port() {
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2, $4; exit }'
}

ensure_postgres() {
  STEP="PostgreSQL"
  local hp ver name status installed_now=0
  hp="$(url_host_port "$DATABASE_URL" 5432)" || die "DATABASE_URL is not a valid URL"
  read -r PG_HOST PG_PORT <<<"$hp"
  pg_up && return 0
  is_local_host "$PG_HOST" ||
    die "PostgreSQL at $PG_HOST:$PG_PORT (DATABASE_URL) does not answer; it is not on this machine, so setup does not start it"

  if ! pg_installed; then
    apt_install postgresql
    installed_now=1
  fi
  read -r ver name status <<<"$(pg_cluster_for_port)" || true
  if [[ -z "${ver:-}" ]]; then
    if compgen -G '/etc/postgresql/*/*/postgresql.conf' >/dev/null; then
      die "no PostgreSQL cluster is configured for port $PG_PORT (pg_lsclusters lists: $(pg_lsclusters -h | awk '{print $1"/"$2":"$3}' | xargs))"
    fi
    need_root "create a PostgreSQL cluster"
    ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    name=main
    say "creating PostgreSQL $ver cluster $name on port $PG_PORT"
    run_quiet "pg_createcluster" pg_createcluster --port "$PG_PORT" "$ver" "$name"
    status=down
  fi
  if [[ "$status" != online* ]]; then
    say "starting PostgreSQL $ver/$name"
    run_quiet "starting PostgreSQL ($ver/$name)" pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
  fi
  wait_for 30 "PostgreSQL on $PG_HOST:$PG_PORT (cluster $ver/$name; its log is in /var/log/postgresql; is it listening on that address?)" pg_up

  # A fresh Debian install asks for passwords on TCP; this project's local default
  # (like CI's machines) is trust for local TCP connections.
  if ((installed_now)) && ! pg_login_ok; then
    local hba="/etc/postgresql/$ver/$name/pg_hba.conf"
    say "allowing trust auth for local TCP connections in $hba"
    {
      echo '# added by scripts/setup.sh: trust local TCP connections (development/CI only)'
      echo 'host    all    all    127.0.0.1/32    trust'
      echo 'host    all    all    ::1/128         trust'
      cat "$hba"
    } >"$hba.new"
    chown --reference="$hba" "$hba.new"
    chmod --reference="$hba" "$hba.new"
    mv "$hba.new" "$hba"
    run_quiet "reloading PostgreSQL" pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload
    wait_for 10 "trust login as postgres on $PG_HOST:$PG_PORT" pg_login_ok
  fi
}

pg_login_ok() {
  PGCONNECT_TIMEOUT=5 psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1
}

# ---------------------------------------------------------------- c. Redis
redis_up() {
  # Any RESP reply (+PONG, or -NOAUTH on a password-protected server) means it answers.
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && IFS= read -r l <&3 && [[ $l == [+-]* ]]' \
    "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
}

ensure_redis() {
  STEP="Redis"
  local hp
  hp="$(url_host_port "$REDIS_URL" 6379)" || die "REDIS_URL is not a valid URL"
  read -r REDIS_HOST REDIS_PORT <<<"$hp"
  redis_up && return 0
  is_local_host "$REDIS_HOST" ||
    die "Redis at $REDIS_HOST:$REDIS_PORT (REDIS_URL) does not answer; it is not on this machine, so setup does not start it"
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
    redis_up && return 0 # the package may have started its own service
  fi
  mkdir -p /var/lib/redis /var/log/redis ||
    die "cannot create /var/lib/redis and /var/log/redis (run as root, or start Redis yourself)"
  say "starting Redis on port $REDIS_PORT"
  run_quiet "starting Redis" redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 30 "Redis on $REDIS_HOST:$REDIS_PORT (log: /var/log/redis/ci.log)" redis_up
}

# ---------------------------------------------------------------- d. database
ensure_database() {
  STEP="database"
  local out
  out="$(node scripts/lib/ensure-database.mjs 2>&1)" || die "creating the database failed: $out"
  [[ -z "$out" ]] || say "$out"
  out="$(node scripts/db/migrate.mjs 2>&1)" || die "migrating the database failed: $out"
  [[ "$out" == "database is up to date" ]] || printf '%s\n' "$out" | sed "s/^/$SCRIPT_NAME: /"
}

# ---------------------------------------------------------------- e. prisma generate
step_generate() {
  STEP="prisma generate"
  local stamp=.setup-stamp-prisma out=libs/db/src/generated/prisma want
  want="$(hash_files prisma/schema.prisma package-lock.json)"
  if [[ -f "$out/client.ts" ]]; then
    [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] && return 0
    # No stamp yet (fresh checkout that generated by hand): trust a newer output.
    if [[ ! -f "$stamp" && "$out/client.ts" -nt prisma/schema.prisma ]]; then
      echo "$want" >"$stamp"
      return 0
    fi
  fi
  say "generating the Prisma client (prisma generate)..."
  run_quiet "prisma generate" env PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1 node_modules/.bin/prisma generate --schema prisma/schema.prisma
  echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- f. build
build_inputs() {
  local dirs=() d
  for d in apps libs; do [[ -d "$d" ]] && dirs+=("$d"); done
  if ((${#dirs[@]})); then
    find "${dirs[@]}" \( -name node_modules -o -name dist \) -prune -o -type f \
      \( -name '*.ts' -o -name '*.tsx' -o -name '*.json' \) \
      ! -name '*.spec.ts' ! -name '*.int-spec.ts' ! -name '*.e2e-spec.ts' -print
  fi
  ls tsconfig*.json package-lock.json 2>/dev/null
}

step_build() {
  STEP="build"
  local want files=()
  mapfile -t files < <(build_inputs)
  want="$(hash_files "${files[@]}")"
  [[ -f dist/.build-stamp && "$(<dist/.build-stamp)" == "$want" ]] && return 0
  say "building (npm run build)..."
  run_quiet "build (npm run build)" npm run build
  mkdir -p dist
  echo "$want" >dist/.build-stamp
}

skip INSTALL || { step_install && step_native; }
command -v node >/dev/null || die "node is not on PATH"
if ! skip SERVICES; then
  skip POSTGRES || ensure_postgres
  skip REDIS || ensure_redis
fi
skip DB || ensure_database
skip GENERATE || step_generate
skip BUILD || step_build
if [[ "${SETUP_PROMTOOL:-}" == 1 ]] && ! command -v promtool >/dev/null; then
  STEP=promtool
  apt_install --no-install-recommends prometheus
fi
STEP=finished
