#!/usr/bin/env bash
# `npm run bench`: the Node benchmarks, the embedding benchmarks and the probe sweep in Chromium, one after
# another (about 50 minutes on 2 cores).
# The other browser benchmarks need a production build first: see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== embed: ResNet-50 224 in Node, the CPU route and tfjs wasm vs PyTorch CPU"; npx tsx bench/embed/embed-bench.ts
echo "== embed: ViT-B/16 224 in Node, the CPU route vs PyTorch CPU"; npx tsx bench/embed/embed-bench.ts --arch vit_b_16 --rounds 3 --routes wasm-gemm
echo "== embed: ResNet-50 224 in a Chromium worker, the CPU route and tfjs wasm vs PyTorch CPU (needs /usr/bin/chromium)"
npx tsx bench/embed/browser-bench.ts --backend wasm 2>&1 | grep -v '^ \|^{\|^}'
echo "== embed: ViT-B/16 224 in a Chromium worker, the CPU route vs PyTorch CPU"
npx tsx bench/embed/browser-bench.ts --backend wasm --arch vit_b_16 --rounds 3 --routes wasm-gemm 2>&1 | grep -v '^ \|^{\|^}'
echo "== pixels: decode + resize"; npx tsx bench/pixels/bench.ts
echo "== pixels: extraction with and without the decode pool"; npx tsx bench/pixels/extract-bench.ts
echo "== gemm: the probe's two products, tfjs-wasm vs the lab's wasm GEMM (Node)"; npx tsx bench/gemm/bench.ts
echo "== knn: DINO kNN, 10000 x 10000 x 2048, vs numpy brute force (Node)"; npx tsx bench/knn/bench.ts
echo "== probes: full paper sweep, N=10000, D=2048, 10 and 100 classes, vs the scikit-learn 0.22 reference (Node)"
npx tsx bench/probes/bench.ts --n 10000 --d 2048 --classes 10,100
echo "== probes: 10 and 100 classes in a Chromium worker, as the lab runs it (wasm, all cores; needs /usr/bin/chromium)"
npx tsx bench/probes/bench.ts --n 10000 --d 2048 --classes 10,100 --runtime chromium
echo "== diffusion: the zoo at strides 1, 2, 5 and the ResNet-50 224 per-pass cost (Node)"; npx tsx bench/diffusion/bench.ts
