// Before/after for the crop-aware resampler, in one process so machine load hits both alike:
// "literal" = resizeRgb over the whole image + CenterCrop + /255 (the port as it was), "fast" = preprocess.
// Run: npx tsx bench/pixels/resize-compare.ts   (BENCH_SECONDS per cell, default 2)

import { loadavg } from 'node:os';
import { centerCrop } from '../../src/core/pixels/crop.ts';
import { preprocess, resizedSize } from '../../src/core/pixels/preprocess.ts';
import { resizeRgb } from '../../src/core/pixels/resize.ts';
import type { ResizeRule, RgbImage } from '../../src/core/types.ts';
import { decodeImageNode } from '../../src/platform/node/decode.ts';
import { loadCorpus, readCorpusFile } from '../../src/platform/node/pixel-corpus.ts';

const RULES: Record<string, ResizeRule> = {
  'linear (bicubic 224 + crop)': { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' },
  'few-shot (bilinear 257² + crop)': { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' },
};
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function literal(img: RgbImage, rule: ResizeRule): Float32Array {
  const size = resizedSize(img.width, img.height, rule);
  const crop = centerCrop(resizeRgb(img, size.width, size.height, rule.interpolation), rule.crop);
  const out = new Float32Array(crop.data.length);
  for (let i = 0; i < out.length; i++) out[i] = crop.data[i] / 255;
  return out;
}

/** Images per second of wall time and per second of this process's CPU time (steadier on a shared machine). */
function rate(fn: () => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    fn();
    n++;
  }
  const wall = (n * 1000) / (performance.now() - start);
  const used = process.cpuUsage(cpu0);
  return { wall, cpu: (n * 1e6) / (used.user + used.system) };
}

loadCorpus();
const img = await decodeImageNode(readCorpusFile('china.jpg'), 'china.jpg');
console.log(`china.jpg ${img.width}×${img.height}, load average ${loadavg()[0].toFixed(2)}`);
console.log('| rule | literal: images/s (per CPU-s) | fast: images/s (per CPU-s) | speed-up (CPU) |');
console.log('|---|---|---|---|');
for (const [name, rule] of Object.entries(RULES)) {
  const before = rate(() => literal(img, rule));
  const after = rate(() => preprocess(img, rule));
  const cell = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(0)} (${r.cpu.toFixed(0)})`;
  console.log(`| ${name} | ${cell(before)} | ${cell(after)} | ×${(after.cpu / before.cpu).toFixed(2)} |`);
}
console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
