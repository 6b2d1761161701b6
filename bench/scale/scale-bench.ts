// 20,000 images through the lab in Chromium (production build, vite preview, folder input), with memory watched:
// folder scan time, decode+resize throughput in the lab's worker, feature-extraction images/s, and the peak
// memory of the page (JS heap via CDP) and of the renderer process (page + worker + wasm, RSS from /proc).
// Writes bench/scale/RESULTS.md.
//
//   npm run build && npx tsx bench/scale/scale-bench.ts [--images 20000] [--model zoo-simclr-r10n] [--full]
//
// By default the run is cancelled once extraction is done: the linear probe on 20k rows is another benchmark.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CDPSession, chromium, type Page } from '@playwright/test';
import { makeSyntheticDataset } from '../../scripts/datasets/make-synthetic.ts';
import { rendererRss } from './proc-memory.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '20000' },
    model: { type: 'string', default: 'zoo-simclr-r10n' },
    port: { type: 'string', default: '4184' },
    'decode-sample': { type: 'string', default: '1000' },
    full: { type: 'boolean', default: false },
    out: { type: 'string', default: resolve(import.meta.dirname, 'RESULTS.md') },
  },
});
const IMAGES = Number(values.images);
const ROOT = resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;

interface Sample {
  t: number;
  rss: number;
  jsHeap: number;
}

interface ProgressPoint {
  t: number;
  stage: string;
  done: number;
  total: number;
}

async function startPreview(port: string): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--port', port, '--strictPort'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const url = `http://localhost:${port}/`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill();
  throw new Error(`vite preview did not start on ${url} (run npm run build first)`);
}

/** Memory every 500 ms until stopped: renderer RSS from /proc and the page's JS heap from CDP. */
function startSampler(cdp: CDPSession): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const start = Date.now();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      samples.push({ t: (Date.now() - start) / 1000, rss: rendererRss().bytes, jsHeap });
    } catch {
      // page navigating or closed
    } finally {
      busy = false;
    }
  }, 500);
  return { samples, stop: () => clearInterval(timer) };
}

async function prepare(page: Page, model: string): Promise<void> {
  await page.getByTestId('backend').and(page.locator('[data-backend]:not([data-backend=""])')).waitFor();
  const boxes = page.getByTestId('model-picker').locator('input[type=checkbox]');
  await boxes.first().waitFor();
  for (const box of await boxes.all()) await box.setChecked((await box.getAttribute('value')) === model);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
}

/** The first `n` PNGs of the folder, base64 (the folder input is cleared once the lab has read it). */
function samplePngs(folder: string, n: number): string[] {
  const files: string[] = [];
  for (const cls of readdirSync(folder).sort()) {
    for (const name of readdirSync(join(folder, cls)).sort()) files.push(join(folder, cls, name));
  }
  const step = Math.max(1, Math.floor(files.length / n));
  return files
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((f) => readFileSync(f).toString('base64'));
}

/** Decode + resize of `pngs`, one at a time, in the lab's worker (comlink round trip included). */
async function decodeThroughput(page: Page, pngs: string[], crop: number): Promise<number> {
  return page.evaluate(
    async ({ pngs, crop }) => {
      type Remote = { preprocess(bytes: Uint8Array, rule: unknown): Promise<Float32Array> };
      const remote = (window as unknown as { __lab: { remote: Remote } }).__lab.remote;
      const bytes = pngs.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      const rule = { mode: 'shorter-side', resize: crop, crop, interpolation: 'bicubic' };
      const started = performance.now();
      for (const b of bytes) await remote.preprocess(b, rule);
      return bytes.length / ((performance.now() - started) / 1000);
    },
    { pngs, crop },
  );
}

/** Every progress report of the run, timestamped in the page. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    type P = { stage: string; done: number; total: number };
    type Store = { getState(): { run: { progress: P | null } }; subscribe(f: () => void): () => void };
    const store = (window as unknown as { __lab: { store: Store } }).__lab.store;
    const points: { t: number; stage: string; done: number; total: number }[] = [];
    (window as unknown as { __points: typeof points }).__points = points;
    let last: P | null = null;
    store.subscribe(() => {
      const p = store.getState().run.progress;
      if (p && p !== last)
        points.push({ t: performance.now() / 1000, stage: p.stage, done: p.done, total: p.total });
      last = p;
    });
  });
}

const runStatus = (page: Page) => page.getByTestId('progress').getAttribute('data-status');

async function extractionDone(page: Page): Promise<ProgressPoint[]> {
  for (;;) {
    const points = await page.evaluate(() => (window as unknown as { __points: ProgressPoint[] }).__points);
    const features = points.filter((p) => /: features\b/.test(p.stage));
    const last = features.at(-1);
    const status = await runStatus(page);
    if ((last && last.done === last.total) || status === 'failed' || status === 'done') return points;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function loadLine(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** Stops the preview server on Ctrl-C / kill too: it would otherwise outlive the benchmark. */
function stopOnSignals(server: ChildProcess): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.kill();
      process.exit(130);
    });
  }
}

async function main(): Promise<void> {
  const folder = makeSyntheticDataset({ out: `.cache/datasets/fmnist-${IMAGES}`, count: IMAGES, size: 32 });
  const loadBefore = loadLine();
  const server = await startPreview(values.port!);
  stopOnSignals(server);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`http://localhost:${values.port}/`);
    await prepare(page, values.model!);
    const sampler = startSampler(cdp);
    const idle = rendererRss().bytes;

    let t = Date.now();
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page
      .getByTestId('dataset-summary')
      .filter({ hasText: `: ${IMAGES} images` })
      .waitFor({
        timeout: 600_000,
      });
    const scanSeconds = (Date.now() - t) / 1000;
    console.log(`scan: ${scanSeconds.toFixed(1)} s`);
    const decodeRate = await decodeThroughput(page, samplePngs(folder, Number(values['decode-sample'])), 32);
    console.log(`decode+resize: ${decodeRate.toFixed(0)} img/s`);

    await watchProgress(page);
    t = Date.now();
    await page.getByTestId('run').click();
    const points = await extractionDone(page);
    const wallExtraction = (Date.now() - t) / 1000;
    const features = points.filter((p) => /: features\b/.test(p.stage));
    const first = features[0];
    const last = features.at(-1)!;
    const extractRate = (last.done - first.done) / (last.t - first.t);
    console.log(
      `extraction: ${last.done} / ${last.total} in ${(last.t - first.t).toFixed(1)} s, ${extractRate.toFixed(0)} img/s`,
    );
    let probeSeconds: number | null = null;
    if (values.full) {
      const t2 = Date.now();
      await page
        .getByTestId('progress')
        .and(page.locator('[data-status=done]'))
        .waitFor({ timeout: 3_600_000 });
      probeSeconds = (Date.now() - t2) / 1000;
    } else {
      await page.getByTestId('cancel').click();
    }
    sampler.stop();
    const peakRss = Math.max(...sampler.samples.map((s) => s.rss));
    const peakHeap = Math.max(...sampler.samples.map((s) => s.jsHeap));
    const result = {
      date: new Date().toISOString(),
      machine: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
      chromium: browser.version(),
      backend: await page.getByTestId('backend').getAttribute('data-backend'),
      threads: await page.getByTestId('backend').getAttribute('data-threads'),
      loadBefore,
      loadAfter: loadLine(),
      images: IMAGES,
      model: values.model!,
      scanSeconds,
      decodeRate,
      extractRate,
      extracted: last.done,
      wallExtraction,
      probeSeconds,
      idleRssMB: idle / MB,
      peakRssMB: peakRss / MB,
      peakPageHeapMB: peakHeap / MB,
      samples: sampler.samples.length,
      rssAt: sampler.samples
        .filter((_, i) => i % 20 === 0)
        .map((s) => `${s.t.toFixed(0)}s:${(s.rss / MB).toFixed(0)}`),
      errors,
    };
    console.log(JSON.stringify(result, null, 1));
    writeFileSync(values.out!, report(result));
  } finally {
    await browser.close();
    server.kill();
  }
}

type Result = Record<string, unknown> & {
  rssAt: string[];
  errors: string[];
};

function report(r: Result): string {
  const n = (v: unknown, digits = 1) => (typeof v === 'number' ? v.toFixed(digits) : String(v));
  return `# Scale: ${r.images} images through the lab in Chromium

What is measured: \`npx tsx bench/scale/scale-bench.ts\` (after \`npm run build\`). ${r.images} 32×32 RGB PNGs
derived from Fashion-MNIST t10k photos (\`scripts/datasets/make-synthetic.ts\`: random crop, resize, flip, colour
shift; 10 class folders) are chosen through the folder input of the production build (vite preview), then one
model (${r.model}, linear probe only) extracts features of every image in the lab's Web Worker, with the
feature cache on (OPFS). ${r.probeSeconds === null ? 'The run is cancelled once extraction is done.' : ''}
Memory is sampled every 0.5 s: RSS of the renderer process(es) from /proc (page + worker + wasm heaps + decoded
images: the whole footprint) and the page's JS heap (CDP Performance.getMetrics; the worker's heap is inside
the renderer RSS, not this number).

Machine: ${r.machine}; Chromium ${r.chromium}; backend ${r.backend} (${r.threads} threads). Date: ${r.date}.
Load average (1 / 5 / 15 min): before ${r.loadBefore}, after ${r.loadAfter}. The machine is shared by ~8
engineers on 2 vCPUs, so absolute speeds are lower than on a quiet machine.

| measure | value |
|---|---|
| folder scan (input → dataset summary shown) | ${n(r.scanSeconds)} s |
| decode + resize, one at a time in the worker (${values['decode-sample']} files spread over the classes) | ${n(r.decodeRate, 0)} img/s |
| feature extraction (decode + resize + embed + cache write) | **${n(r.extractRate, 0)} img/s** (${r.extracted} images) |
| run start → extraction done (wall) | ${n(r.wallExtraction)} s |
| linear probe after extraction | ${r.probeSeconds === null ? 'not run (cancelled)' : `${n(r.probeSeconds)} s`} |
| renderer RSS idle (page loaded, before the folder) | ${n(r.idleRssMB, 0)} MB |
| **renderer RSS peak** | **${n(r.peakRssMB, 0)} MB** |
| page JS heap peak | ${n(r.peakPageHeapMB, 0)} MB |

Renderer RSS over time (s:MB, every 10 s): ${r.rssAt.join(', ')}.

Page errors: ${r.errors.length ? r.errors.join('; ') : 'none'}.
`;
}

await main();
