#!/usr/bin/env bash
# Runs on the GPU machine from the kit scripts/gpu/make-kit.sh built: unpacks Node and Dawn (with Python's
# lzma: xz may be missing there), points Dawn's Vulkan loader at the NVIDIA driver, and runs the lab's WebGPU
# benchmark beside PyTorch CUDA. Arguments are passed to bench/gpu/gpu-bench.ts (default: batch 32,
# ResNet-50 and ViT-B/16, 224 px).
set -euo pipefail
KIT="$(cd "$(dirname "$0")" && pwd)"
OUT="${OUT:-$KIT/out}"; mkdir -p "$OUT"
unxz_py() { python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$1" "$2"; }
[ -x "$KIT/node" ] || { unxz_py "$KIT/node.xz" "$KIT/node"; chmod +x "$KIT/node"; }
D="$KIT/node_modules/webgpu/dist/linux-x64"
[ -f "$D/dawn.node" ] || unxz_py "$D/dawn.node.xz" "$D/dawn.node"
export LD_LIBRARY_PATH="$KIT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The NVIDIA driver's Vulkan manifest where the container runtime mounts it (device README), if none is set.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
  /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
done
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
echo "Vulkan driver manifest: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-none found}}"
cd "$KIT"
"$KIT/node" gpu-bench.mjs --json "$OUT/gpu-bench.json" "$@" 2>&1 | tee "$OUT/gpu-bench.log"
