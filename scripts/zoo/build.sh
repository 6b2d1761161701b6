#!/usr/bin/env bash
# Rebuilds the embedded model zoo from scratch: trains every method on Fashion-MNIST TRAIN
# (.cache/zoo/<id>.pth + train-log.json), converts each checkpoint with the lab's own converter
# (the path a user's .pth takes) into models/<id>/, completes the cards and the catalog.
#
#   bash scripts/zoo/build.sh            # train + convert (about 25 min on 2 busy shared CPU cores)
#   bash scripts/zoo/build.sh train      # only train
#   bash scripts/zoo/build.sh convert    # only convert what .cache/zoo holds (seconds)
#
# Needs Debian's python3-torch, python3-torchvision and dataset-fashion-mnist (see DATASETS.md).
# ZOO_THREADS (default 1): torch threads. On a shared 2-core machine one thread measured about twice
# as fast as two (less time lost at synchronisation barriers); use 2 on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

STAGE="${1:-all}"
OUT=.cache/zoo
METHODS=(simclr byol supervised random)
# Same architecture, input size, batch, optimiser and number of steps for every method:
# 600 steps of 256 over all 60,000 TRAIN images (2.56 epochs). The random control trains nothing; it only
# estimates its BN statistics on TRAIN images (--random-bn data, see docs/zoo.md).
COMMON=(--size 32 --widths 16,32,64,128 --steps 600 --batch 256 --warmup 30 --seed 0 --threads "${ZOO_THREADS:-1}")

if [[ "$STAGE" == all || "$STAGE" == train ]]; then
  mkdir -p "$OUT"
  rm -f "$OUT/train-log.json"
  for method in "${METHODS[@]}"; do
    nice -n 10 /usr/bin/python3 scripts/zoo/train.py --method "$method" --out "$OUT" "${COMMON[@]}"
  done
fi

if [[ "$STAGE" == all || "$STAGE" == convert ]]; then
  # Each model goes through `node bin/tlab.js convert` (see scripts/zoo/convert-zoo.ts), then the ids
  # are written to the `embedded` array of models/catalog.json.
  node --import tsx scripts/zoo/convert-zoo.ts "$OUT" models
fi
