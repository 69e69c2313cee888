#!/usr/bin/env bash
# Runs the search benchmark from source (TypeScript compiled on load by @swc/core,
# @hivehub/* resolved through tsconfig.json's paths): see `--help`.
# The heap limit leaves room for 100k x 768 plus the in-process engines; --expose-gc lets
# the engine's memory be read without V8's garbage (runners/shard.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
# wrk (C) is the 8-client load generator of the HTTP figures: from Debian's packages.
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing wrk from Debian's packages (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; } ||
      echo "bench: could not install wrk; the HTTP figures measured with it are skipped" >&2
  else
    echo "bench: wrk is not installed (apt-get install wrk); the HTTP figures measured with it are skipped" >&2
  fi
fi
exec node --max-old-space-size=8192 --expose-gc -r ./bench/search/register.js bench/search/main.ts "$@"
