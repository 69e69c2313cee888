#!/usr/bin/env bash
# Runs the search benchmark from source (TypeScript compiled on load by @swc/core,
# @hivehub/* resolved through tsconfig.json's paths): see `--help`.
# The heap limit leaves room for 100k x 768 plus the in-process engines; --expose-gc lets
# the engine's memory be read without V8's garbage (runners/shard.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --max-old-space-size=8192 --expose-gc -r ./bench/search/register.js bench/search/main.ts "$@"
