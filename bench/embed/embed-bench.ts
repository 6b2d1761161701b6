// Feature extraction throughput, ResNet-50 or ViT-B/16, on the wasm backend in Node: the CPU route (the lab's
// wasm GEMM, what the lab takes on CPU backends) and the tfjs graph, vs PyTorch CPU (2 threads), same batch
// size and resolution, in one run.
// Usage: npx tsx bench/embed/embed-bench.ts [--arch resnet50|vit_b_16] [--batch 8] [--rounds 5]
//          [--routes wasm-gemm,tfjs]
// Weights are seeded random (see random-resnet.ts, random-vit.ts).

import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { convKernelFor } from '../../src/engine/cpu-route/conv-tile.ts';
import { type BackboneRoute, setBackboneRoute } from '../../src/engine/cpu-route/route.ts';
import { gemmEngine } from '../../src/engine/gemm/shared-engine.ts';
import { median, randomResNet50Files, SIZE, timeEmbed } from './random-resnet.ts';
import { randomVitB16Files } from './random-vit.ts';
import { type Arch, benchTorch, LABEL } from './torch-ref.ts';

async function benchLab(arch: Arch, route: BackboneRoute, batch: number, rounds: number) {
  const info = await initBackend('wasm');
  setBackboneRoute(route);
  const { card, files } = arch === 'resnet50' ? await randomResNet50Files() : await randomVitB16Files();
  const backbone = await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
  const timing = await timeEmbed((p) => backbone.embed(p), batch, rounds);
  backbone.dispose();
  const gemm = route === 'wasm-gemm' ? await gemmEngine() : null;
  const threads = gemm ? gemm.threads : info.threads;
  const tile = gemm ? (await convKernelFor(gemm)).mr : null;
  const name = gemm ? `wasm GEMM route (${tile}×8 tiles, mul+add)` : `tfjs ${info.name}`;
  return { name, threads, ...timing };
}

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'resnet50' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    routes: { type: 'string', default: 'wasm-gemm,tfjs' },
  },
});
if (values.arch !== 'resnet50' && values.arch !== 'vit_b_16') throw new Error('--arch resnet50 or vit_b_16');
const arch = values.arch as Arch;
const batch = Number(values.batch);
const rounds = Number(values.rounds);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
const routes = values.routes.split(',') as BackboneRoute[];
const labs = [];
for (const route of routes) {
  const lab = await benchLab(arch, route, batch, rounds);
  labs.push(lab);
  console.log(
    `${lab.name} (${lab.threads} thread${lab.threads > 1 ? 's' : ''}), ${LABEL[arch]} ${SIZE}px batch ${batch}: ` +
      `${lab.imgPerS.toFixed(2)} img/s (median of ${rounds}: ${median(lab.times).toFixed(3)} s/batch; first call ${lab.first.toFixed(2)} s; checksum ${lab.checksum.toFixed(6)})`,
  );
}
const torch = benchTorch(arch, batch, rounds);
if (torch) {
  console.log(
    `PyTorch ${torch.torch} CPU (${torch.threads} threads), same model/input: ${torch.imgPerS.toFixed(2)} img/s ` +
      `(median ${median(torch.times).toFixed(3)} s/batch; first call ${torch.first.toFixed(2)} s)`,
  );
  for (const lab of labs)
    console.log(`ratio ${lab.name}/PyTorch: ${(lab.imgPerS / torch.imgPerS).toFixed(2)}`);
} else {
  console.log('PyTorch: not available (/usr/bin/python3 cannot import torch)');
}
console.log(
  `load after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
