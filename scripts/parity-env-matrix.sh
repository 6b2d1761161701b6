#!/usr/bin/env bash
# Runs the linear-probe parity tests against scikit-learn references regenerated under four numeric
# environments of the reference: OpenBLAS on 1 and on 2 threads, with OPENBLAS_CORETYPE unset (OpenBLAS picks
# the kernel for this CPU) and set to another kernel. The lab's side does not use BLAS and gives the same bits
# everywhere; only the reference's rounding changes. The verdicts must be the same in all four
# (docs/probes.md, "Machine-independent parity"). Each environment regenerates the paper-mode and multi-label
# references (their cached JSON is deleted first); the converged-mode references (a 30,000-iteration optimum)
# are kept unless --all is given.
#
#   bash scripts/parity-env-matrix.sh [--all] [--coretype Haswell] [-t <vitest name pattern>]
#
# Prints one verdict line per environment and writes the logs to .cache/parity-env/.

set -euo pipefail
cd "$(dirname "$0")/.."

ALL=0
CORETYPE=Haswell # an x86-64 kernel every AVX2 machine can run, usually not the one OpenBLAS would pick
PATTERN='paper mode|multi-label'
while [ $# -gt 0 ]; do
  case "$1" in
    --all) ALL=1 ;;
    --coretype) CORETYPE="$2"; shift ;;
    -t) PATTERN="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

FEATURES=.cache/probes/features
LOGS=.cache/parity-env
mkdir -p "$LOGS"

clear_references() {
  [ -d "$FEATURES" ] || return 0
  if [ "$ALL" = 1 ]; then
    find "$FEATURES" -name 'ref-*.json' -delete
  else
    find "$FEATURES" \( -name 'ref-paper*.json' -o -name 'ref-multilabel*.json' \) -delete
  fi
}

run_env() {
  local name="$1"; shift
  local log="$LOGS/$name.log"
  clear_references
  echo "== $name: $*"
  local status=0
  touch "$LOGS/.started"
  env NO_COLOR=1 "$@" npx vitest run src/engine/probes/linear.parity.test.ts -t "$PATTERN" >"$log" 2>&1 || status=$?
  # The BLAS the reference saw, as it recorded it (threadpoolctl), from one regenerated reference.
  local ref
  ref=$(find "$FEATURES" -name 'ref-*.json' -newer "$LOGS/.started" | head -1)
  if [ -n "$ref" ]; then
    /usr/bin/python3 -c 'import json,sys; print("   reference BLAS:", json.load(open(sys.argv[1])).get("environment"))' "$ref"
  fi
  # Colour codes removed (NO_COLOR is not honoured everywhere), then one line per test and the C / score table.
  local plain passed failed
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
  passed=$(grep -cE '^\s{4,}✓ ' <<<"$plain" || true)
  failed=$(grep -cE '^\s{4,}× ' <<<"$plain" || true)
  echo "   verdict: exit $status, $passed passed, $failed failed (log: $log)"
  grep -E '^\s{4,}(✓|×) |^│ [0-9]' <<<"$plain" | sed 's/^/   /' || true
}

run_env blas1-auto OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
run_env blas2-auto OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
run_env blas1-"$CORETYPE" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_CORETYPE="$CORETYPE"
run_env blas2-"$CORETYPE" OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_CORETYPE="$CORETYPE"
