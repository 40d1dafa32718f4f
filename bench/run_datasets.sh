#!/usr/bin/env bash
# Benchmark the common data set at scale (see bench/README.md, "Common data set at scale").
#
# Works on a database of its own so the 3 million synthetic figures never slow the one you
# develop with: with the embedded PostgreSQL, the database `cib_bench` (EMBEDDED_DATABASE_NAME);
# with DATABASE_URL set, that database (point it at a scratch one). Steps, all idempotent:
# migrate, load_reference_data, load_demo_data, seed_scale (1,000 synthetic indicators × 20
# periods × 163 areas), then bench/bench_datasets.py. Arguments go to bench_datasets.py, e.g.
#   bench/run_datasets.sh --requests 200 --pdf --pdf-all
# Set SEED_ARGS to change the seed (default "--indicators 1000 --periods 20").
# The 1,000,000-row EES import is measured separately: see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cib_portal.settings.local}"
export DEBUG="${DEBUG:-false}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export EMBEDDED_DATABASE_NAME="${EMBEDDED_DATABASE_NAME:-cib_bench}"
export CELERY_TASK_DEFAULT_QUEUE="${CELERY_TASK_DEFAULT_QUEUE:-bench_datasets}"
export SEED_ARGS="${SEED_ARGS:---indicators 1000 --periods 20}"

exec "$PY" -m cib_portal.embedded bash -c '
  set -euo pipefail
  "$0" manage.py migrate --noinput -v 0
  "$0" manage.py load_reference_data -v 0 >/dev/null
  "$0" manage.py load_demo_data >/dev/null
  "$0" manage.py seed_scale $SEED_ARGS
  "$0" bench/bench_datasets.py --markdown bench/latest_datasets.md "$@"
' "$PY" "$@"
