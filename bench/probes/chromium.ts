// Runs our side of the linear-probe benchmark inside Chromium (Debian /usr/bin/chromium, or $CHROMIUM_PATH,
// via Playwright): a page behind the Vite dev server (vite.config.ts sends COOP/COEP, so the page is
// cross-origin isolated and tfjs-wasm can use threads) starts a dedicated Web Worker, as the lab does.

import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { ROOT } from './data.ts';
import type { ChromiumRequest, ChromiumResult } from './sweep.ts';

export type ChromiumSide = Exclude<ChromiumResult, { error: string }>;

export interface ChromiumSession {
  version: string;
  executable: string;
  /** One fresh page (and worker) per request; the page is closed once the result is in. */
  run(request: ChromiumRequest): Promise<ChromiumSide>;
  close(): Promise<void>;
}

async function runPage(browser: Browser, url: string, request: ChromiumRequest): Promise<ChromiumSide> {
  const page = await browser.newPage();
  try {
    page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
    page.on('pageerror', (err) => console.error(`[page] ${err.message}`));
    const crashed = new Promise<never>((_, reject) =>
      page.on('crash', () => reject(new Error('the Chromium page crashed (out of memory?)'))),
    );
    const query = new URLSearchParams(Object.entries(request).map(([k, v]) => [k, String(v)]));
    await page.goto(`${url}bench/probes/browser/index.html?${query}`);
    // No timeout (a full sweep can take an hour); poll once a second so the page stays idle meanwhile.
    const waited = page.waitForFunction(
      () => (window as unknown as { __benchResult?: unknown }).__benchResult,
      null,
      { timeout: 0, polling: 1000 },
    );
    await Promise.race([waited, crashed]);
    const result = await page.evaluate(
      () => (window as unknown as { __benchResult: ChromiumResult }).__benchResult,
    );
    if ('error' in result) throw new Error(`Chromium worker failed: ${result.error}`);
    return result;
  } finally {
    await page.close();
  }
}

export async function openChromium(): Promise<ChromiumSession> {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createServer({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      // No file watching: the benchmark writes into .cache/ and needs no reloads.
      server: { port: 0, watch: null },
    });
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('the Vite dev server has no local URL');
    const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    browser = await chromium.launch({ executablePath: executable });
    const [s, b] = [server, browser];
    return {
      version: b.version(),
      executable,
      run: (request) => runPage(b, url, request),
      close: async () => {
        await b.close();
        await s.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await server?.close();
    throw err;
  }
}
