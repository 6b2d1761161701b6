// Feature extraction throughput, ResNet-50 or ViT-B/16, on the wasm backend in Node: the CPU route (the lab's
// wasm GEMM, what the lab takes on CPU backends) and the tfjs graph, vs PyTorch CPU (2 threads), same batch
// size and resolution, in one run: `blocks` blocks of `rounds` lab batches, each followed by `rounds` PyTorch
// batches (a persistent process), so that both see the same state of the machine (torch-ref.ts).
// Usage: npx tsx bench/embed/embed-bench.ts [--arch resnet50|vit_b_16] [--batch 8] [--rounds 5] [--blocks 3]
//          [--routes wasm-gemm,tfjs]
// Weights are seeded random (see random-resnet.ts, random-vit.ts).

import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { convKernelFor } from '../../src/engine/cpu-route/conv-tile.ts';
import { type BackboneRoute, setBackboneRoute } from '../../src/engine/cpu-route/route.ts';
import { gemmEngine } from '../../src/engine/gemm/shared-engine.ts';
import { embedTimer, median, randomResNet50Files, SIZE } from './random-resnet.ts';
import { randomVitB16Files } from './random-vit.ts';
import { type Arch, LABEL, sideBySide, TorchAnchor } from './torch-ref.ts';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'resnet50' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    blocks: { type: 'string', default: '3' },
    routes: { type: 'string', default: 'wasm-gemm,tfjs' },
  },
});
if (values.arch !== 'resnet50' && values.arch !== 'vit_b_16') throw new Error('--arch resnet50 or vit_b_16');
const arch = values.arch as Arch;
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const blocks = Number(values.blocks);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${load()}, node ${process.version}`,
);

const info = await initBackend('wasm');
const { card, files } = arch === 'resnet50' ? await randomResNet50Files() : await randomVitB16Files();
const torch = await TorchAnchor.start(arch, batch);
if (!torch) console.log('PyTorch: not available (/usr/bin/python3 cannot import torch); the lab alone:');
try {
  for (const route of values.routes.split(',') as BackboneRoute[]) {
    setBackboneRoute(route);
    const backbone = await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
    const timer = await embedTimer((p) => backbone.embed(p), batch);
    const gemm = route === 'wasm-gemm' ? await gemmEngine() : null;
    const threads = gemm ? gemm.threads : info.threads;
    const name = gemm
      ? `wasm GEMM route (${(await convKernelFor(gemm)).mr}×8 tiles, mul+add)`
      : `tfjs ${info.name}`;
    const head = `${name} (${threads} thread${threads > 1 ? 's' : ''}), ${LABEL[arch]} ${SIZE}px batch ${batch}`;
    if (torch) {
      const r = await sideBySide(timer.time, torch, batch, rounds, blocks);
      console.log(
        `${head}: ${r.labImgPerS.toFixed(2)} img/s (median of ${r.lab.length} batches: ${median(r.lab).toFixed(3)} s; ` +
          `first call ${timer.first.toFixed(2)} s; checksum ${timer.checksum.toFixed(6)})`,
      );
      console.log(
        `  PyTorch ${torch.version} CPU (${torch.threads} threads), same model/input, interleaved: ` +
          `${r.torchImgPerS.toFixed(2)} img/s (median of ${r.torch.length} batches: ${median(r.torch).toFixed(3)} s)`,
      );
      console.log(
        `  ratio ${name}/PyTorch: ${r.ratio.toFixed(2)} (per block of ${rounds}: ${r.blockRatios.map((x) => x.toFixed(2)).join(', ')})`,
      );
    } else {
      const times = await timer.time(rounds * blocks);
      console.log(`${head}: ${(batch / median(times)).toFixed(2)} img/s (median of ${times.length} batches)`);
    }
    backbone.dispose();
  }
} finally {
  torch?.close();
}
console.log(`load after: ${load()}`);
process.exit(0);
