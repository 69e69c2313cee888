#!/usr/bin/env bash
# Runs setup, then one api and one worker as child processes of this script.
#
# - Their output is passed through, each line prefixed with [api] or [worker]
#   (START_PREFIX=0 passes it through untouched, e.g. to pipe the JSON logs on).
# - SIGINT or SIGTERM to this script sends SIGTERM to both and waits for them; a
#   second signal, or START_STOP_TIMEOUT seconds (default 30), sends SIGKILL.
# - When either child exits, the other is stopped the same way and this script
#   exits with the exit code of the one that exited first.
# - Once the api answers /health, prints where to find it.
#
# Environment: .env is loaded (never overriding what is set); API_PORT (15002),
# WORKER_PORT (15003), DATA_DIR (./data), ADMIN_TOKEN, START_SKIP_SETUP=1, and
# whatever setup.sh reads.
set -euo pipefail
SCRIPT_NAME=start
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

load_dotenv
[[ "${START_SKIP_SETUP:-0}" != 0 ]] || bash "$ROOT/scripts/setup.sh" </dev/null

API_PORT="${API_PORT:-15002}"
WORKER_PORT="${WORKER_PORT:-15003}"
# A port something already answers on (another HiveHub, from this checkout or another)
# would otherwise show as a stack trace, after a banner printed for the other one.
for port_var in API_PORT WORKER_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${!port_var}") 2>/dev/null; then
    die "port ${!port_var} is already in use (another HiveHub running? stop it, or set $port_var to a free port)"
  fi
done
STOP_TIMEOUT="${START_STOP_TIMEOUT:-30}"
API_MAIN=dist/apps/api/src/main.js
WORKER_MAIN=dist/apps/worker/src/main.js
for f in "$API_MAIN" "$WORKER_MAIN"; do
  [[ -f "$f" ]] || die "$f is missing: the build did not produce it (run: npm run build)"
done

# prefix NAME: copies stdin to stdout with "[NAME] " before each line. Ignores
# SIGINT/SIGTERM so that a Ctrl-C at the terminal cannot cut off the children's
# last (shutdown) lines; it ends when its child closes the pipe.
prefix() {
  trap '' INT TERM
  if [[ "${START_PREFIX:-1}" == 0 ]]; then
    exec cat
  fi
  exec sed -u "s/^/[$1] /"
}

# Process substitution keeps $! the node process itself, not the prefixer.
node "$API_MAIN" > >(prefix api) 2> >(prefix api >&2) &
api_pid=$!
node "$WORKER_MAIN" > >(prefix worker) 2> >(prefix worker >&2) &
worker_pid=$!

stopping=0
stop_started=0
stop_children() { # SIGNAL
  kill "-$1" "$api_pid" "$worker_pid" 2>/dev/null || true
}
on_signal() { # NAME
  if ((stopping)); then
    say "second SIG$1: killing api and worker"
    stop_children KILL
    return
  fi
  say "SIG$1 received: stopping api and worker"
  stopping=1
  stop_started=$SECONDS
  stop_children TERM
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# Banner, once the api answers /health.
api_healthy() {
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$API_PORT/health" 2>/dev/null
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "http://127.0.0.1:$API_PORT/health"
  fi
}
banner() {
  trap - INT TERM
  local base="http://127.0.0.1:$API_PORT" i token
  for ((i = 0; i < 240; i++)); do
    kill -0 "$api_pid" 2>/dev/null || exit 0
    if api_healthy; then
      if [[ -n "${ADMIN_TOKEN:-}" ]]; then
        token='the value of ADMIN_TOKEN (set in the environment or .env)'
      else
        token="cat ${DATA_DIR:-./data}/admin-token"
      fi
      printf '\n  HiveHub is up\n    API:          %s\n    API docs:     %s/docs\n    Readiness:    %s/health/ready\n    Admin token:  %s\n\n' \
        "$base" "$base" "$base" "$token"
      exit 0
    fi
    sleep 0.5
  done
  warn "the api has not answered $base/health after 120 s"
}
banner &
banner_pid=$!

# Wait until a child exits, or a signal asks us to stop. Polling (a background sleep
# that `wait` can be interrupted from) works on every bash, not only 5.1+'s wait -n.
first='' rc=0
while [[ -z "$first" ]]; do
  sleep 0.5 &
  wait $! 2>/dev/null || true
  if ! kill -0 "$api_pid" 2>/dev/null; then
    first=api
    wait "$api_pid" || rc=$?
  elif ! kill -0 "$worker_pid" 2>/dev/null; then
    first=worker
    wait "$worker_pid" || rc=$?
  fi
done
if ((!stopping)); then
  say "$first exited with code $rc: stopping the other process"
  stopping=1
  stop_started=$SECONDS
  stop_children TERM
fi

# Wait for the other one, escalating to SIGKILL after STOP_TIMEOUT seconds.
killed=0
while kill -0 "$api_pid" 2>/dev/null || kill -0 "$worker_pid" 2>/dev/null; do
  if ((!killed && SECONDS - stop_started >= STOP_TIMEOUT)); then
    warn "still running after ${STOP_TIMEOUT}s: sending SIGKILL"
    stop_children KILL
    killed=1
  fi
  sleep 0.2 &
  wait $! 2>/dev/null || true
done
wait "$api_pid" "$worker_pid" 2>/dev/null || true
kill "$banner_pid" 2>/dev/null || true
wait 2>/dev/null || true # lets the prefixers flush the last lines
exit "$rc"
