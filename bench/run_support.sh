#!/usr/bin/env bash
# Benchmark the support pages at scale (bench/support.py): the advisers' list of requests
# waiting, a busy council's support page and the catalogue with ~20,000 requests.
#
# Works on a database of its own (EMBEDDED_DATABASE_NAME=cib_bench_support with the embedded
# PostgreSQL; with DATABASE_URL set, that database: point it at a scratch one). Steps, all
# idempotent: migrate, load_reference_data, then bench/support.py (which seeds the offer and
# the requests on its first run). Arguments go to support.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cib_portal.settings.local}"
export DEBUG="${DEBUG:-false}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export EMBEDDED_DATABASE_NAME="${EMBEDDED_DATABASE_NAME:-cib_bench_support}"

exec "$PY" -m cib_portal.embedded bash -c '
  set -euo pipefail
  "$0" manage.py migrate --noinput -v 0
  "$0" manage.py load_reference_data -v 0 >/dev/null
  "$0" bench/support.py --markdown bench/latest_support.md "$@"
' "$PY" "$@"
