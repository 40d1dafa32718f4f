#!/usr/bin/env bash
# Benchmark the devolved funds pages at scale (bench/README.md, "Devolved funds at scale").
#
# Works on a database of its own (EMBEDDED_DATABASE_NAME=cib_bench_funds with the embedded
# PostgreSQL; with DATABASE_URL set, that database: point it at a scratch one). Steps, all
# idempotent: migrate, load_reference_data, then bench/funds.py (which seeds ten years of
# agreements for the nine regions with 1,000 spend requests a year each, on its first run).
# Arguments go to funds.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cib_portal.settings.local}"
export DEBUG="${DEBUG:-false}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export EMBEDDED_DATABASE_NAME="${EMBEDDED_DATABASE_NAME:-cib_bench_funds}"

exec "$PY" -m cib_portal.embedded bash -c '
  set -euo pipefail
  "$0" manage.py migrate --noinput -v 0
  "$0" manage.py load_reference_data -v 0 >/dev/null
  "$0" bench/funds.py --markdown bench/latest_funds.md "$@"
' "$PY" "$@"
