// The same benchmark (ResNet-50 or ViT-B/16) inside Chromium (Debian /usr/bin/chromium via Playwright), in a Web Worker
// behind the Vite dev server (COOP/COEP → threads), through the lab's own backend choice; PyTorch CPU runs
// as a persistent process and its blocks of batches alternate with the page's (torch-ref.ts).
// Usage: npx tsx bench/embed/browser-bench.ts [--arch resnet50|vit_b_16] [--backend auto|wasm|webgl|webgpu|cpu]
//        [--batch 8] [--rounds 5] [--blocks 3] [--routes wasm-gemm,tfjs] [--tile 4|6 (default: measured at start-up)]

import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { createServer } from 'vite';
import type { BackendName } from '../../src/core/types.ts';
import type { Request } from './browser-worker.ts';
import { median, SIZE } from './random-resnet.ts';
import { type Arch, LABEL, sideBySide, TorchAnchor } from './torch-ref.ts';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'resnet50' },
    backend: { type: 'string', default: 'auto' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    blocks: { type: 'string', default: '3' },
    routes: { type: 'string', default: 'wasm-gemm,tfjs' },
    tile: { type: 'string', default: '' },
  },
});
const arch = values.arch as Arch;
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const blocks = Number(values.blocks);

async function ask<T>(page: Page, request: Request): Promise<T> {
  const reply = (await page.evaluate(
    (r) => (window as unknown as { __bench: (r: unknown) => Promise<unknown> }).__bench(r),
    request,
  )) as T & { error?: string };
  if (reply.error) throw new Error(`the Chromium benchmark failed: ${reply.error}`);
  return reply;
}

const root = resolve(import.meta.dirname, '../..');
const server = await createServer({
  root,
  configFile: resolve(root, 'vite.config.ts'),
  logLevel: 'error',
  server: { port: 0, watch: { ignored: ['**/.cache/**'] } }, // .cache holds the hostile suite's symlink loops
});
await server.listen();
const url = server.resolvedUrls?.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu'],
});
const torch = await TorchAnchor.start(arch, batch);
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${load}`);
  await page.goto(`${url}bench/embed/browser.html`);
  await page.waitForFunction(() => '__bench' in window, null, { timeout: 120_000 });
  const tile = values.tile === '4' || values.tile === '6' ? (Number(values.tile) as 4 | 6) : undefined;
  const init = await ask<{ info: { name: string; threads: number }; crossOriginIsolated: boolean }>(page, {
    type: 'init',
    backend: values.backend as BackendName | 'auto',
    arch,
    batch,
    tile,
  });
  console.log(
    `Chromium ${browser.version()}, backend ${init.info.name}, cross-origin isolated ${init.crossOriginIsolated}`,
  );
  if (!torch) console.log('PyTorch: not available (/usr/bin/python3 cannot import torch); the lab alone:');
  for (const route of values.routes.split(',')) {
    const loaded = await ask<{ first: number; gemm: string | null; gemmThreads: number | null }>(page, {
      type: 'load',
      route: route as 'wasm-gemm' | 'tfjs',
    });
    const name = loaded.gemm ? `CPU route (${loaded.gemm})` : `tfjs ${init.info.name}`;
    const threads = loaded.gemmThreads ?? init.info.threads;
    const head = `Chromium ${name} (${threads} threads), ${LABEL[arch]} ${SIZE}px batch ${batch}`;
    const time = async (n: number) =>
      (await ask<{ times: number[] }>(page, { type: 'time', rounds: n })).times;
    if (!torch) {
      const times = await time(rounds * blocks);
      console.log(`${head}: ${(batch / median(times)).toFixed(2)} img/s (median of ${times.length} batches)`);
      continue;
    }
    const r = await sideBySide(time, torch, batch, rounds, blocks);
    console.log(
      `${head}: ${r.labImgPerS.toFixed(2)} img/s (median of ${r.lab.length} batches; first call ${loaded.first.toFixed(2)} s), ratio to PyTorch ${r.ratio.toFixed(2)} (per block of ${rounds}: ${r.blockRatios.map((x) => x.toFixed(2)).join(', ')})`,
    );
    console.log(
      `  PyTorch ${torch.version} CPU (${torch.threads} threads), same run, interleaved: ${r.torchImgPerS.toFixed(2)} img/s`,
    );
  }
} finally {
  torch?.close();
  await browser.close();
  await server.close();
}
