#!/usr/bin/env bash
# Benchmark team assembly and the review pipeline at scale (bench/README.md, "Reviews at scale").
#
# Works on a database of its own (EMBEDDED_DATABASE_NAME=cib_bench_reviews with the embedded
# PostgreSQL; with DATABASE_URL set, that database: point it at a scratch one). Steps, all
# idempotent: migrate, load_reference_data, then bench/bench_reviews.py (which seeds 2,000
# reviewers and ten years of bookings on its first run). Arguments go to bench_reviews.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cib_portal.settings.local}"
export DEBUG="${DEBUG:-false}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export EMBEDDED_DATABASE_NAME="${EMBEDDED_DATABASE_NAME:-cib_bench_reviews}"

exec "$PY" -m cib_portal.embedded bash -c '
  set -euo pipefail
  "$0" manage.py migrate --noinput -v 0
  "$0" manage.py load_reference_data -v 0 >/dev/null
  "$0" bench/bench_reviews.py --markdown bench/latest_reviews.md "$@"
' "$PY" "$@"
