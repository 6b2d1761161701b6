// Attentive diffusion cost, to choose the default stride: the four zoo models × 20 seeded images of a demo set
// at several strides (wall time and the per-model means, so the default's effect on the values is visible),
// and the per-pass cost of a 224-pixel ResNet-50, extrapolated to the paper's geometry (242 → 224).
// Usage: npx tsx bench/diffusion/bench.ts [--strides 1,2,5] [--data public/datasets/fashion-mnist-test]

import os from 'node:os';
import { parseArgs } from 'node:util';
import { nodeDatasetSource } from '../../src/cli/dataset-arg.ts';
import { loadModelRef } from '../../src/cli/models-on-disk.ts';
import {
  DEFAULT_DIFFUSION_SETTINGS,
  formatDiffusion,
  occlusionGeometry,
  positionsPerImage,
  sampleImageKeys,
  writeOccluded,
} from '../../src/core/diffusion/index.ts';
import { formatDuration } from '../../src/core/progress.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { loadDiffusionImages } from '../../src/engine/diffusion/images.ts';
import { runDiffusion } from '../../src/engine/diffusion/run.ts';
import { loadBackboneFromFiles } from '../../src/engine/load-backbone.ts';
import { decodeImageNode } from '../../src/platform/node/decode.ts';
import { randomResNet50Files } from '../embed/random-resnet.ts';

const ZOO = ['zoo-supervised-r10n', 'zoo-simclr-r10n', 'zoo-byol-r10n', 'zoo-random-r10n'];

const { values } = parseArgs({
  options: {
    strides: { type: 'string', default: '1,2,5' },
    data: { type: 'string', default: 'public/datasets/fashion-mnist-test' },
    images: { type: 'string', default: '20' },
    'r50-passes': { type: 'string', default: '64' },
  },
});

async function zooRun(stride: number, data: string, images: number) {
  const settings = { ...DEFAULT_DIFFUSION_SETTINGS, stride, images };
  const source = nodeDatasetSource(data);
  const listing = await source.list();
  const keys = sampleImageKeys(
    listing.items.map((i) => i.key),
    images,
    settings.seed,
  );
  const started = performance.now();
  const cells: string[] = [];
  let passes = 0;
  for (const id of ZOO) {
    const ref = await loadModelRef(id);
    const { images: inputs } = await loadDiffusionImages(source, keys, decodeImageNode, ref.card, settings);
    const backbone = await loadAnyBackbone(ref.card, ref.read);
    const r = await runDiffusion(backbone, inputs, settings);
    backbone.dispose();
    passes += r.settings.forwardPasses;
    cells.push(formatDiffusion(r));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `| ${stride} | ${passes.toLocaleString('en-US')} | ${seconds.toFixed(1)} s | ${(passes / seconds).toFixed(0)} | ${cells.join(' | ')} |`,
  );
}

async function resnet50PerPass(passes: number) {
  const { card, files } = await randomResNet50Files();
  const backbone = await loadBackboneFromFiles(card, files);
  const g = occlusionGeometry(224, 10, 1);
  const base = new Float32Array(224 * 224 * 3).fill(0.5);
  const batch = 8;
  const data = new Float32Array(batch * base.length);
  for (let j = 0; j < batch; j++)
    writeOccluded(g, base, 20 * j, 30, [0.485, 0.456, 0.406], data, j * base.length);
  await backbone.embed({ data, n: batch, size: 224 }); // warm-up
  const started = performance.now();
  for (let done = 0; done < passes; done += batch) await backbone.embed({ data, n: batch, size: 224 });
  const perPass = (performance.now() - started) / 1000 / passes;
  backbone.dispose();
  console.log(
    `\nResNet-50 224 px, batches of ${batch}: ${(1 / perPass).toFixed(2)} occluded passes/s (${passes} passes)`,
  );
  console.log('| stride | passes per image | time per image | 4 models × 20 images |');
  console.log('|---|---|---|---|');
  for (const stride of [1, 2, 5, 10]) {
    const n = positionsPerImage(occlusionGeometry(224, 10, stride)) + 1;
    console.log(
      `| ${stride} | ${n.toLocaleString('en-US')} | ${formatDuration(n * perPass)} | ${formatDuration(n * perPass * 80)} |`,
    );
  }
}

const info = await initBackend('wasm');
console.log(
  `${new Date().toISOString()} ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )}, node ${process.version}, tfjs ${info.name} (${info.threads} thread${info.threads > 1 ? 's' : ''})`,
);
console.log(`\nzoo × ${values.images} images of ${values.data}, seed 0, 10×10 occluder, 50 → 32 px`);
console.log(`| stride | forward passes | wall time | passes/s | ${ZOO.join(' | ')} |`);
console.log(`|---|---|---|---|${ZOO.map(() => '---').join('|')}|`);
for (const s of values.strides!.split(',').map(Number)) await zooRun(s, values.data!, Number(values.images));
await resnet50PerPass(Number(values['r50-passes']));
