// Host memory while a ViT-L/16 (304 M parameters, float16 shards) loads through the lab's streamed loader from
// files on disk: peak RSS and peak ArrayBuffer bytes against the weights' own sizes. Usage:
// npx tsx bench/embed/vit-memory.ts [--backend wasm|cpu]. Writes ~610 MB to a temp folder (removed after).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../../src/core/types.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../../src/engine/model-format/card.ts';
import { randomVitTensors } from '../../src/engine/test-tiny-vit.ts';
import { writeVitModel } from '../../src/engine/vit/convert.ts';
import { lcg, SIZE } from './random-resnet.ts';
import { VIT_B_16 } from './random-vit.ts';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' } } });
const config = { ...VIT_B_16, width: 1024, depth: 24, heads: 16, mlpWidth: 4096 };
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

async function writeModel(dir: string): Promise<void> {
  const rand = lcg(1);
  const tensors = randomVitTensors(config, rand);
  const { files } = await writeVitModel(
    tensors,
    config,
    'cls',
    {
      id: 'mem-vit-l16',
      name: 'ViT-L/16 (random)',
      architecture: 'vit_l_16',
      family: 'random',
      inputSize: SIZE,
      preprocessing: protocolPreprocessing(SIZE),
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      featureLayer: 'cls',
      source: 'bench/embed/vit-memory.ts',
      licence: 'MIT',
      imagenetTop1: null,
      checkpointSha256: null,
    },
    { float16: true },
  );
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
}

const dir = await mkdtemp(join(os.tmpdir(), 'vit-mem-'));
try {
  await writeModel(dir);
  globalThis.gc?.();
  const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8'));
  const info = await initBackend(values.backend as BackendName);
  const base = process.memoryUsage();
  let peak = { rss: base.rss, arrayBuffers: base.arrayBuffers };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, m.rss), arrayBuffers: Math.max(peak.arrayBuffers, m.arrayBuffers) };
  }, 20);
  const t0 = performance.now();
  const backbone = await loadAnyBackbone(card, (p) => readFile(join(dir, p)).then((b) => new Uint8Array(b)));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const end = process.memoryUsage();
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}, backend ${info.name}`,
  );
  console.log(
    `ViT-L/16: ${card.sizes.parameters} parameters, shards ${mb(card.sizes.downloadBytes)} (float16), tensors ${mb(card.sizes.memoryBytes)} (float32)`,
  );
  console.log(
    `loaded in ${seconds.toFixed(1)} s; RSS before ${mb(base.rss)}, peak ${mb(peak.rss)}, after ${mb(end.rss)} (peak − before ${mb(peak.rss - base.rss)})`,
  );
  console.log(
    `JS ArrayBuffers outside the backend: before ${mb(base.arrayBuffers)}, peak ${mb(peak.arrayBuffers)}, after ${mb(end.arrayBuffers)}`,
  );
  backbone.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}
