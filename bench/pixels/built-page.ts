// A bench page as the app ships: a Vite production build of `root`, served by `vite preview`, opened in
// Debian's Chromium (or $CHROMIUM_PATH) and waited on until it sets document.title = 'ready'.

import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';

export interface BuiltPage {
  page: Page;
  close(): Promise<void>;
}

export async function openBuiltPage(opts: {
  root: string;
  /** Build output, relative to the repository (under .cache/). */
  outDir: string;
  port: number;
  logConsole?: boolean;
}): Promise<BuiltPage> {
  const outDir = resolve(opts.outDir);
  await build({
    root: opts.root,
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  });
  const server = await preview({
    root: opts.root,
    build: { outDir },
    preview: { port: opts.port, strictPort: false },
    logLevel: 'warn',
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  };
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    const page = await browser.newPage();
    if (opts.logConsole) page.on('console', (m) => console.log(`[page] ${m.text()}`));
    await page.goto(server.resolvedUrls?.local[0] ?? `http://localhost:${opts.port}/`);
    await page.waitForFunction(() => document.title === 'ready');
    return { page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
