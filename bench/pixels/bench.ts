// Decode + preprocess throughput in Node (images/s, one thread) on real photos from the pixel corpus.
// Run: npx tsx bench/pixels/bench.ts  (builds the corpus with /usr/bin/python3 if needed; prints a Markdown
// section to paste into RESULTS.md, which keeps the dated history of runs)

import { cpus, loadavg } from 'node:os';
import { resizeAndCrop, toUnitFloat } from '../../src/core/pixels/preprocess.ts';
import type { ResizeRule, RgbImage } from '../../src/core/types.ts';
import { decodeImageNode } from '../../src/platform/node/decode.ts';
import { loadCorpus, readCorpusFile } from '../../src/platform/node/pixel-corpus.ts';

const LINEAR: ResizeRule = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' };
const FEWSHOT: ResizeRule = { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' };
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const GROUPS: Record<string, string[]> = {
  'JPEG baseline 4:2:0, 640×427': ['china.jpg', 'flower.jpg'],
  'JPEG progressive, 640×427': ['china-progressive.jpg'],
  'PNG RGB 8-bit, 640×427': ['flower-rgb8-raw.png'],
  'PNG palette, 640×427': ['china-palette.png'],
  'PNG RGBA, 2100×2100 (screenshot)': ['node-boxplot.png'],
};

/**
 * Runs `fn` over `inputs` round-robin for ~SECONDS after one warm-up pass. Returns "wall (cpu)": items per
 * second of wall time, and per second of this process's CPU time, which a loaded shared machine disturbs less.
 */
async function rate<T>(inputs: T[], fn: (x: T) => unknown | Promise<unknown>): Promise<string> {
  for (const x of inputs) await fn(x);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) await fn(inputs[n++ % inputs.length]);
  const wall = (n * 1000) / (performance.now() - start);
  const cpu = process.cpuUsage(cpu0);
  return `${wall.toFixed(0)} (${((n * 1e6) / (cpu.user + cpu.system)).toFixed(0)})`;
}

async function main() {
  loadCorpus();
  const rows: string[] = [];
  for (const [label, files] of Object.entries(GROUPS)) {
    const bytes = files.map(readCorpusFile);
    const decoded: RgbImage[] = await Promise.all(bytes.map((b, i) => decodeImageNode(b, files[i])));
    const decode = await rate(bytes, (b) => decodeImageNode(b, 'x'));
    const linear = await rate(decoded, (img) => toUnitFloat(resizeAndCrop(img, LINEAR)));
    const fewshot = await rate(decoded, (img) => toUnitFloat(resizeAndCrop(img, FEWSHOT)));
    const total = await rate(bytes, async (b) =>
      toUnitFloat(resizeAndCrop(await decodeImageNode(b, 'x'), LINEAR)),
    );
    const row = `| ${label} | ${decode} | ${linear} | ${fewshot} | ${total} |`;
    rows.push(row);
  }
  const md = [
    '## Decode + preprocess, one thread (bench/pixels/bench.ts)',
    '',
    `Measured ${new Date().toISOString().slice(0, 16)}Z on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} vCPU),`,
    `Node ${process.version}, load average at the end ${loadavg()[0].toFixed(2)} (the machine is shared: treat as a lower bound).`,
    `Each cell: images/s of wall time (and per CPU-second) over ~${SECONDS} s after a warm-up pass. Decode = bytes -> RGB (PIL-exact: MozJPEG wasm /`,
    'fast-png); resize = RgbImage -> 224×224×3 float32 in [0,1]; total = decode + linear rule.',
    '',
    '| images | decode | linear rule (bicubic 224 + crop) | few-shot rule (bilinear 257² + crop) | decode + linear |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Reproduce: `npx tsx bench/pixels/bench.ts` (BENCH_SECONDS=5 for steadier numbers).',
    '',
  ].join('\n');
  console.log(md);
}

await main();
