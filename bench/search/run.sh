#!/usr/bin/env bash
# Runs the search benchmark from source (TypeScript compiled on load by @swc/core,
# @hivehub/* resolved through tsconfig.json's paths): see `--help`.
# The heap limit leaves room for 100k x 768 plus the in-process engines.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --max-old-space-size=8192 -r ./bench/search/register.js bench/search/main.ts "$@"
