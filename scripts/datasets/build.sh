#!/usr/bin/env bash
# Rebuilds the committed demo datasets under public/datasets/ from installed packages:
#   Debian: dataset-fashion-mnist, python3-sklearn (digits), python3-pil, openclipart-png
#   npm:    emoji-datasource-google@16.0.0 (fetched with `npm pack` into a scratch folder, never into the repo)
# Then writes each set's index.json (scripts/datasets/write-index.ts) and public/datasets/index.json.
#
#   bash scripts/datasets/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=public/datasets
SCRATCH="${TMPDIR:-/tmp}/tlab-datasets-scratch"
EMOJI=emoji-datasource-google-16.0.0.tgz

for need in /usr/share/datasets/fashion-mnist /usr/share/openclipart/png; do
  if [[ ! -d "$need" ]]; then
    echo "missing $need: apt-get install -y dataset-fashion-mnist openclipart-png" >&2
    exit 1
  fi
done
mkdir -p "$SCRATCH" "$OUT"
if [[ ! -f "$SCRATCH/$EMOJI" ]]; then
  (cd "$SCRATCH" && npm pack --silent emoji-datasource-google@16.0.0 >/dev/null)
fi

nice -n 10 /usr/bin/python3 scripts/datasets/build_demo.py --out "$OUT" --emoji-tgz "$SCRATCH/$EMOJI"
for set in fashion-mnist-test digits emoji-google clipart; do
  node --import tsx scripts/datasets/write-index.ts "$OUT/$set"
done
cp scripts/datasets/demo-index.json "$OUT/index.json"
echo "wrote $OUT/index.json"
