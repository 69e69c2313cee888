#!/usr/bin/env bash
# Runs the backup/restore benchmark from source (see bench/search/run.sh for how the
# TypeScript is loaded): `npm run bench:backup -- --help`.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --max-old-space-size=4096 -r ./bench/search/register.js bench/backup/main.ts "$@"
