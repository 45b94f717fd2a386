#!/usr/bin/env bash
# `trailmill history` at scale: synthesizes ≥10 M events over 92 days, loads them into their own schema, then runs
# trailmill-bench's phase J (median / p95 latency of each attribute query over 7 and 90 days, and of the named
# investigations). Needs PostgreSQL in the environment (eval "$(bash .ci/postgres env)") and a build.
#   bash Benchmarks/history-bench.sh [WORK_DIR] [SCHEMA]
# Steps already done are skipped (the archive when its manifest line exists, the load because it is idempotent).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/trailmill-history-bench}"
schema="${2:-history_bench}"
bin="${TRAILMILL_BIN_DIR:-$repo/.build/debug}"
mkdir -p "$work"
# 2 accounts × 3 regions × 92 days × 24 files × 880 records = 11.66 M records; global events (delivered by every
# region) are duplicates, so about 10.3 M distinct events are stored.
if [ ! -s "$work/synth.txt" ]; then
  rm -rf "$work/archive"
  /usr/bin/time -f "synth: %e s, %M KB peak" "$bin/trailmill" synth --out "$work/archive" --accounts 2 --regions 3 \
    --days 92 --files-per-day 24 --events-per-file 880 | tee "$work/synth.txt"
fi
/usr/bin/time -f "load: %e s, %M KB peak" "$bin/trailmill" load --source "$work/archive" --schema "$schema" --migrate \
  --quiet --summary-json "$work/load.json" || true
psql -X -q -c "ANALYZE \"$schema\".events"
"$bin/trailmill-bench" --history "$schema" --runs "${RUNS:-21}"
