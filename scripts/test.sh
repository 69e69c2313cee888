#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup against a test database, the
# schema/migrations drift check, a type check of every file (specs included: jest
# compiles them without one), promtool's check and unit tests of the Prometheus
# alerts (deploy/prometheus), then jest with any extra arguments passed through:
#   npm test -- libs/config            # only the specs under libs/config
#   npm test -- -t 'api keys'          # only tests whose name matches
# The exit code is jest's (or that of the step that failed before it).
#
# Database: TEST_DATABASE_URL, else DATABASE_URL as set in the environment (not
# from .env, which usually names the development database), else
# postgresql://postgres@127.0.0.1:5432/hivehub_test. Tests add rows (their own
# tenants) and never truncate.
set -euo pipefail
SCRIPT_NAME='test'
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

explicit_db="${DATABASE_URL:-}"
load_dotenv
export DATABASE_URL="${TEST_DATABASE_URL:-${explicit_db:-postgresql://postgres@127.0.0.1:5432/hivehub_test}}"

SETUP_PROMTOOL=1 bash scripts/setup.sh </dev/null
node scripts/db/check-drift.mjs
node_modules/.bin/tsc -p tsconfig.json --noEmit || die 'type errors (above); npm run typecheck shows them again'

# The Prometheus alerts: valid rules, and their unit tests on synthetic series.
for check in 'check rules deploy/prometheus/alerts.yml' 'test rules deploy/prometheus/alerts.test.yml'; do
  # shellcheck disable=SC2086 # the words of $check are promtool's arguments
  out="$(promtool $check 2>&1)" || die "promtool $check failed:"$'\n'"$out"
done

exec node_modules/.bin/jest --ci "$@"
