#!/usr/bin/env bash
# `npm run bench`: the Node benchmarks, one after another (about 25 minutes on 2 cores).
# Browser benchmarks need a production build first: see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== embed: ResNet-50 224, tfjs wasm vs PyTorch CPU"; npx tsx bench/embed/embed-bench.ts
echo "== pixels: decode + resize"; npx tsx bench/pixels/bench.ts
echo "== pixels: extraction with and without the decode pool"; npx tsx bench/pixels/extract-bench.ts
echo "== probes: full paper sweep, N=10000, D=2048, 10 classes, vs the scikit-learn 0.22 reference"
npx tsx bench/probes/bench.ts --n 10000 --d 2048 --classes 10
