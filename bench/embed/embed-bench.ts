// ResNet-50 feature extraction throughput: the lab's tfjs backbone (wasm, Node) vs PyTorch CPU (2 threads),
// same batch size and resolution, in one run. Usage: npx tsx bench/embed/embed-bench.ts [--batch 8] [--rounds 5]
// Weights are seeded random (see random-resnet.ts).

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/engine/backend.ts';
import { loadBackboneFromFiles } from '../../src/engine/load-backbone.ts';
import { median, randomResNet50Files, SIZE, timeEmbed } from './random-resnet.ts';

async function benchTfjs(batch: number, rounds: number) {
  const info = await initBackend('wasm');
  const { card, files } = await randomResNet50Files();
  const backbone = await loadBackboneFromFiles(card, files);
  const timing = await timeEmbed((p) => backbone.embed(p), batch, rounds);
  backbone.dispose();
  return { backend: info.name, threads: info.threads, ...timing };
}

const TORCH = `
import sys, time, json, torch, torchvision
batch, rounds = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(2)
torch.manual_seed(0)
m = torchvision.models.resnet50(weights=None); m.fc = torch.nn.Identity(); m.eval()
x = torch.rand(batch, 3, ${SIZE}, ${SIZE})
with torch.inference_mode():
    t = time.perf_counter(); m(x); first = time.perf_counter() - t
    times = []
    for _ in range(rounds):
        t = time.perf_counter(); m(x); times.append(time.perf_counter() - t)
print(json.dumps({"first": first, "times": times, "torch": torch.__version__}))
`;

function benchTorch(batch: number, rounds: number) {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH, String(batch), String(rounds)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const out = JSON.parse(r.stdout) as { first: number; times: number[]; torch: string };
  return { ...out, imgPerS: batch / median(out.times) };
}

const { values } = parseArgs({
  options: { batch: { type: 'string', default: '8' }, rounds: { type: 'string', default: '5' } },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
const tfjs = await benchTfjs(batch, rounds);
console.log(
  `tfjs ${tfjs.backend} (${tfjs.threads} thread${tfjs.threads > 1 ? 's' : ''}), ResNet-50 ${SIZE}px batch ${batch}: ` +
    `${tfjs.imgPerS.toFixed(2)} img/s (median of ${rounds}: ${median(tfjs.times).toFixed(3)} s/batch; first call ${tfjs.first.toFixed(2)} s; checksum ${tfjs.checksum.toFixed(6)})`,
);
const torch = benchTorch(batch, rounds);
if (torch) {
  console.log(
    `PyTorch ${torch.torch} CPU (2 threads), same model/input: ${torch.imgPerS.toFixed(2)} img/s ` +
      `(median ${median(torch.times).toFixed(3)} s/batch; first call ${torch.first.toFixed(2)} s)`,
  );
  console.log(`ratio tfjs/PyTorch: ${(tfjs.imgPerS / torch.imgPerS).toFixed(2)}`);
} else {
  console.log('PyTorch: not available (/usr/bin/python3 cannot import torch)');
}
console.log(
  `load after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
