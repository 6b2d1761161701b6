// Feature extraction throughput in Node (tfjs wasm) with decode + resize in-thread vs on a worker pool.
// A folder of 640×480 JPEGs (crops/flips of sklearn's real photos, made with PIL) goes through
// extractFeatures for a fast 32 px zoo model (pixels dominate) and a ResNet-50-sized random model.
// Each configuration runs in its own process, so its peak RSS is its own.
//
// Run: npx tsx bench/pixels/extract-bench.ts [--images 400] [--r50-images 48] [--batch 16]   (0 images: skip)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelRef } from '../../src/cli/models-on-disk.ts';
import { preprocess } from '../../src/core/pixels/preprocess.ts';
import type { DatasetSource, ResizeRule } from '../../src/core/types.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { type ExtractOptions, extractFeatures } from '../../src/engine/extract.ts';
import { loadBackboneFromFiles } from '../../src/engine/load-backbone.ts';
import type { Backbone } from '../../src/engine/types.ts';
import { decodeImageNode } from '../../src/platform/node/decode.ts';
import { nodeFolderSource } from '../../src/platform/node/folder.ts';
import { createNodePixelPool, defaultPoolSize } from '../../src/platform/node/pixel-pool.ts';
import { randomResNet50Files } from '../embed/random-resnet.ts';

const DATA_DIR = join(import.meta.dirname, '../../.cache/bench-pixels/jpeg-640x480');
const PHOTOS = '/usr/lib/python3/dist-packages/sklearn/datasets/images';

const MAKE_JPEGS = `
import os, random, sys
from PIL import Image
out, n, photos = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(0)
srcs = [Image.open(os.path.join(photos, f)).convert('RGB') for f in ('china.jpg', 'flower.jpg')]
for i in range(n):
    src = srcs[i % 2]
    w = rng.randint(300, min(src.width, src.height * 4 // 3))
    h = w * 3 // 4
    x, y = rng.randint(0, src.width - w), rng.randint(0, src.height - h)
    img = src.crop((x, y, x + w, y + h)).resize((640, 480), Image.BICUBIC)
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    img.save(os.path.join(out, '%04d.jpg' % i), quality=rng.randint(80, 95))
`;

function ensureJpegs(n: number): void {
  const have = existsSync(DATA_DIR) ? readdirSync(DATA_DIR).filter((f) => f.endsWith('.jpg')).length : 0;
  if (have >= n) return;
  mkdirSync(DATA_DIR, { recursive: true });
  const r = spawnSync('/usr/bin/python3', ['-c', MAKE_JPEGS, DATA_DIR, String(n), PHOTOS], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`making the JPEGs needs /usr/bin/python3 with PIL: ${r.stderr}`);
}

type Mode = 'pixels-only' | 'in-thread' | 'pool';

interface ChildResult {
  imagesPerSecond: number;
  peakRssMiB: number;
  poolSize: number;
  /** CPU time of the whole process (every thread) per image: what the work costs, whatever the load. */
  cpuMsPerImage: number;
}

async function loadModel(model: string): Promise<Backbone> {
  if (model === 'r50') {
    const { card, files } = await randomResNet50Files();
    return loadBackboneFromFiles(card, files);
  }
  const ref = await loadModelRef(model);
  return loadAnyBackbone(ref.card, ref.read);
}

/** decode + preprocess alone, in this thread: the rate the pixels could feed a free backbone. */
async function pixelsOnly(source: DatasetSource, keys: string[], rule: ResizeRule): Promise<number> {
  const start = performance.now();
  for (const key of keys) preprocess(await decodeImageNode(await source.read(key), key), rule);
  return (keys.length * 1000) / (performance.now() - start);
}

async function child(
  model: string,
  mode: Mode,
  n: number,
  batch: number,
  poolSize: number,
): Promise<ChildResult> {
  await initBackend('wasm');
  const backbone = await loadModel(model);
  const source = nodeFolderSource(DATA_DIR);
  const keys = readdirSync(DATA_DIR)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, n);
  const rule = backbone.card.preprocessing.linear;
  const pool = mode === 'pool' ? createNodePixelPool(poolSize) : undefined;
  const run = (k: string[]): ExtractOptions => ({
    source,
    keys: k,
    backbone,
    rule,
    decode: decodeImageNode,
    pixels: pool,
    cacheNamespace: 'bench',
    batchSize: batch,
    stage: 'bench',
  });
  try {
    let imagesPerSecond: number;
    let cpu0: NodeJS.CpuUsage;
    if (mode === 'pixels-only') {
      await pixelsOnly(source, keys.slice(0, 8), rule); // warm-up: wasm compile, JIT
      cpu0 = process.cpuUsage();
      imagesPerSecond = await pixelsOnly(source, keys, rule);
    } else {
      await extractFeatures(run(keys.slice(0, batch))); // warm-up: kernels, wasm, worker start
      cpu0 = process.cpuUsage();
      const start = performance.now();
      await extractFeatures(run(keys));
      imagesPerSecond = (keys.length * 1000) / (performance.now() - start);
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      imagesPerSecond,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      poolSize: pool?.size ?? 0,
      cpuMsPerImage: (cpu.user + cpu.system) / 1000 / keys.length,
    };
  } finally {
    await pool?.close();
    backbone.dispose();
  }
}

function runChild(model: string, mode: Mode, n: number, batch: number, poolSize: number): ChildResult {
  const args = [
    '--import',
    'tsx',
    import.meta.filename,
    '--child',
    model,
    mode,
    String(n),
    String(batch),
    String(poolSize),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${model} ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      child: { type: 'boolean', default: false },
      images: { type: 'string', default: '400' },
      'r50-images': { type: 'string', default: '48' },
      batch: { type: 'string', default: '16' },
    },
  });
  if (values.child) {
    const [model, mode, n, batch, poolSize] = positionals;
    console.log(JSON.stringify(await child(model, mode as Mode, Number(n), Number(batch), Number(poolSize))));
    return;
  }
  const images = Number(values.images);
  const batch = Number(values.batch);
  ensureJpegs(images);
  const poolSize = defaultPoolSize();
  const plan: [string, string, number][] = [
    ['zoo-supervised-r10n', '32 px ResNet-10 narrow (zoo)', images],
    ['r50', 'ResNet-50 224 px (random weights)', Number(values['r50-images'])],
  ];
  console.log(
    `${cpus()[0]?.model ?? 'CPU'} ×${cpus().length}, node ${process.version}, load ${loadavg()[0].toFixed(2)}`,
  );
  console.log('| model | images | mode | images/s (wall) | CPU ms/image (all threads) | peak RSS (MiB) |');
  console.log('|---|---|---|---|---|---|');
  for (const [model, label, n] of plan.filter(([, , count]) => count > 0)) {
    for (const mode of ['pixels-only', 'in-thread', 'pool'] as Mode[]) {
      const r = runChild(model, mode, n, batch, poolSize);
      const how =
        mode === 'pool'
          ? `worker pool (${r.poolSize}) + prefetch`
          : mode === 'in-thread'
            ? 'in-thread + prefetch'
            : 'decode+resize only, no model';
      console.log(
        `| ${label} | ${n} | ${how} | ${r.imagesPerSecond.toFixed(1)} | ${r.cpuMsPerImage.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} |`,
      );
    }
  }
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${new Date().toISOString()}`,
  );
}

await main();
