#!/usr/bin/env bash
# Benchmark the portal's busiest pages (`make bench`). See bench/README.md.
#
# Uses DATABASE_URL / REDIS_URL when set; otherwise the embedded PostgreSQL and Redis under var/.
# Loads the reference and demo data first (both idempotent), then runs bench/bench_pages.py.
# Arguments are passed to bench_pages.py, e.g. `bench/run.sh --requests 500`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cib_portal.settings.local}"
export DEBUG="${DEBUG:-false}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"

# One wrapper process holds the embedded servers for every step (they stop when it exits).
exec "$PY" -m cib_portal.embedded bash -c '
  set -euo pipefail
  "$0" manage.py migrate --noinput -v 0
  "$0" manage.py load_reference_data -v 0 >/dev/null
  "$0" manage.py load_demo_data >/dev/null
  "$0" bench/bench_pages.py --markdown bench/latest.md "$@"
' "$PY" "$@"
