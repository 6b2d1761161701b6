// The same benchmark (ResNet-50 or ViT-B/16) inside Chromium (Debian /usr/bin/chromium via Playwright), in a Web Worker
// behind the Vite dev server (COOP/COEP → threads), through the lab's own backend choice.
// Usage: npx tsx bench/embed/browser-bench.ts [--arch resnet50|vit_b_16] [--backend auto|wasm|webgl|webgpu|cpu]
//        [--batch 8] [--rounds 5] [--routes wasm-gemm,tfjs] [--tile 4|6 (default: measured at start-up)]

import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { SIZE } from './random-resnet.ts';
import { type Arch, benchTorch, LABEL } from './torch-ref.ts';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'resnet50' },
    backend: { type: 'string', default: 'auto' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    routes: { type: 'string', default: 'wasm-gemm,tfjs' },
    tile: { type: 'string', default: '' },
  },
});
interface BrowserResult {
  error?: string;
  info?: { name: string; threads: number };
  routes?: {
    route: string;
    gemmThreads: number | null;
    gemm: string | null;
    imgPerS: number;
    times: number[];
  }[];
}

/** One line per route with PyTorch's img/s from the same run beside it. */
function summarise(result: BrowserResult): void {
  if (result.error || !result.routes) throw new Error(`the Chromium benchmark failed: ${result.error}`);
  const arch = values.arch as Arch;
  const torch = benchTorch(arch, Number(values.batch), Number(values.rounds));
  for (const r of result.routes) {
    const threads = r.gemmThreads ?? result.info?.threads;
    const ratio = torch ? `, ratio to PyTorch ${(r.imgPerS / torch.imgPerS).toFixed(2)}` : '';
    console.log(
      `Chromium ${r.route === 'wasm-gemm' ? `CPU route (${r.gemm})` : `tfjs ${result.info?.name}`} (${threads} threads), ${LABEL[arch]} ${SIZE}px batch ${values.batch}: ${r.imgPerS.toFixed(2)} img/s${ratio}`,
    );
  }
  if (torch)
    console.log(
      `PyTorch ${torch.torch} CPU (${torch.threads} threads), same run: ${torch.imgPerS.toFixed(2)} img/s`,
    );
  else console.log('PyTorch: not available (/usr/bin/python3 cannot import torch)');
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
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  const query = `arch=${values.arch}&backend=${values.backend}&batch=${values.batch}&rounds=${values.rounds}&routes=${values.routes}&tile=${values.tile}`;
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await page.goto(`${url}bench/embed/browser.html?${query}`);
  await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, null, {
    timeout: 600_000,
  });
  const result = await page.evaluate(() => (window as unknown as { __benchResult: unknown }).__benchResult);
  console.log(`Chromium ${browser.version()}:`, JSON.stringify(result, null, 1));
  summarise(result as BrowserResult);
} finally {
  await browser.close();
  await server.close();
}
