#!/usr/bin/env bash
# Builds .gpu-kit/: everything bench/gpu needs on a GPU machine that has CUDA PyTorch but no Node and no
# network (the device machine lent to some sessions): a Node binary, Dawn's WebGPU binding for linux-x64,
# the Vulkan loader, and the benchmark bundled into one file with the engine and tfjs. About 35 MB, under
# the 64 MiB a device call may carry. Run it here, then on the GPU machine:  bash .gpu-kit/run.sh
# (device tool: carry [".gpu-kit"], command "bash .gpu-kit/run.sh"). Results: $OUT/gpu-bench.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
KIT=.gpu-kit
rm -rf "$KIT"; mkdir -p "$KIT/node_modules/webgpu/dist/linux-x64" "$KIT/lib"

echo "== bundle bench/gpu/gpu-bench.ts (engine + tfjs) into one ES module"
# --ignore-annotations keeps the tfjs backends' registering imports (their packages declare sideEffects
# narrowly, so esbuild would drop them); the browser-only wasm URLs (backend-browser.ts, never run in Node)
# load as empty modules.
npx esbuild bench/gpu/gpu-bench.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --loader:.wasm=empty --ignore-annotations --outfile="$KIT/gpu-bench.mjs" --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"

echo "== Dawn (webgpu package, linux-x64 only)"
W=node_modules/webgpu
cp "$W/package.json" "$W/index.js" "$KIT/node_modules/webgpu/"
xz -T0 -6 -c "$W/dist/linux-x64/dawn.node" >"$KIT/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

echo "== Vulkan loader (Debian libvulkan1) and Node $(node --version)"
cp -L /usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$KIT/lib/"
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" >"$KIT/node.xz"
cp scripts/gpu/run-kit.sh "$KIT/run.sh"
du -sh "$KIT"
