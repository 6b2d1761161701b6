// GPU feature-extraction throughput: the lab's engine on tfjs's WebGPU backend in Node (Dawn, the `webgpu`
// package), the same kernels the browser runs, beside PyTorch CUDA on the same GPU in the same run.
// Usage: npx tsx bench/gpu/gpu-bench.ts [--batch 32] [--rounds 10] [--size 224] [--models resnet50,vit_b_16]
//        [--json out.json] [--no-torch]
// On a machine without Node this runs from the kit that scripts/gpu/make-kit.sh builds (see BENCHMARKS.md).
// Weights are seeded random: speed does not depend on their values, and no checkpoint has to travel.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { lcg, median, randomResNet50Files } from '../embed/random-resnet.ts';
import { randomVitB16Files } from '../embed/random-vit.ts';
import { TORCH_GPU_SCRIPT } from './torch-gpu.ts';

interface Timing {
  model: string;
  imgPerS: number;
  medianBatchS: number;
  firstS: number;
  checksum: number;
}

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '10' },
    size: { type: 'string', default: '224' },
    models: { type: 'string', default: 'resnet50,vit_b_16' },
    json: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const size = Number(values.size);
const models = values.models!.split(',');

/** One warm-up batch (pipeline compilation), then `rounds` timed batches, each including the read-back. */
async function timeModel(
  model: string,
  embed: (p: { data: Float32Array; n: number; size: number }) => Promise<Float32Array>,
): Promise<Timing> {
  const rand = lcg(2);
  const pixels = { data: Float32Array.from({ length: batch * size * size * 3 }, rand), n: batch, size };
  const t0 = performance.now();
  const features = await embed(pixels);
  const firstS = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await embed(pixels);
    times.push((performance.now() - t) / 1000);
  }
  const medianBatchS = median(times);
  return {
    model,
    imgPerS: batch / medianBatchS,
    medianBatchS,
    firstS,
    checksum: features[0] + features.at(-1)!,
  };
}

async function labModel(model: string) {
  if (model === 'resnet50') return randomResNet50Files();
  if (model === 'vit_b_16') return randomVitB16Files();
  throw new Error(`gpu-bench: no random lab model for '${model}' (resnet50, vit_b_16)`);
}

async function benchLab(): Promise<{ adapter: string; timings: Timing[] }> {
  const info = await initBackend('webgpu');
  const timings: Timing[] = [];
  for (const model of models) {
    const { card, files } = await labModel(model);
    const backbone = await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
    try {
      timings.push(await timeModel(model, (p) => backbone.embed(p)));
    } finally {
      backbone.dispose();
    }
  }
  return { adapter: info.adapter ?? 'unknown', timings };
}

type TorchResult = { device: string; torch: string; timings: Record<string, Timing[]> };

/** The GPU machine's python3 holds PyTorch; here Debian's /usr/bin/python3 does. TLAB_PYTHON overrides. */
function benchTorch(): TorchResult | string {
  const pythons = process.env.TLAB_PYTHON ? [process.env.TLAB_PYTHON] : ['python3', '/usr/bin/python3'];
  let failure = 'no python3';
  for (const python of pythons) {
    const args = ['-c', TORCH_GPU_SCRIPT, String(batch), String(rounds), String(size), values.models!];
    const r = spawnSync(python, args, { encoding: 'utf8' });
    if (r.status === 0) return JSON.parse(r.stdout) as TorchResult;
    failure = `${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}`;
  }
  return `PyTorch run failed (${failure})`;
}

console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}, ${new Date().toISOString()}`,
);
const lab = await benchLab();
console.log(`lab: tfjs webgpu in Node (Dawn), adapter: ${lab.adapter}`);
const torch = values['no-torch'] ? 'skipped (--no-torch)' : benchTorch();
const rows: string[] = [];
for (const t of lab.timings) {
  const line = `${t.model} ${size}px batch ${batch}: lab webgpu ${t.imgPerS.toFixed(1)} img/s (median ${t.medianBatchS.toFixed(4)} s/batch, first ${t.firstS.toFixed(2)} s)`;
  if (typeof torch === 'string') {
    rows.push(`${line}; PyTorch: ${torch}`);
    continue;
  }
  const [fp32, tf32] = torch.timings[t.model] ?? [];
  rows.push(
    `${line}; PyTorch ${torch.torch} ${torch.device} fp32 ${fp32.imgPerS.toFixed(1)} img/s, ratio ${(t.imgPerS / fp32.imgPerS).toFixed(2)}` +
      (tf32
        ? `; with TF32 ${tf32.imgPerS.toFixed(1)} img/s, ratio ${(t.imgPerS / tf32.imgPerS).toFixed(2)}`
        : ''),
  );
}
for (const r of rows) console.log(r);
if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ batch, rounds, size, lab, torch }, null, 2)}\n`);
