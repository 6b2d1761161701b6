// The browser pixel pool for real: a Vite production build of bench/pixels/browser-pool/ in Debian's
// Chromium. Inside a module Worker (as the engine runs), nested pixel workers must give exactly the
// in-thread floats for the corpus photos, carry DecodeErrors across, and (with cores to spare) be faster.
// Run: npx tsx bench/pixels/browser-pool.ts   (exit code 1 on any mismatch)

import { join } from 'node:path';
import { loadCorpus, readCorpusFile } from '../../src/platform/node/pixel-corpus.ts';
import type { PoolReport } from './browser-pool/main.ts';
import { openBuiltPage } from './built-page.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

async function main(): Promise<number> {
  const files = loadCorpus()
    .filter((e) => e.file.endsWith('.jpg') || e.file.endsWith('.png'))
    .filter((e) => e.width * e.height < 1_000_000)
    .map((e) => e.file);
  const { page, close } = await openBuiltPage({
    root: join(import.meta.dirname, 'browser-pool'),
    outDir: '.cache/pixels-pool-build',
    port: 4198,
    logConsole: true,
  });
  try {
    const b64 = files.map((f) => Buffer.from(readCorpusFile(f)).toString('base64'));
    const report = await page.evaluate(
      async ([data, rounds]) => {
        const bytes = data.map((d) => Uint8Array.from(atob(d), (c) => c.charCodeAt(0)));
        const run = (
          globalThis as unknown as { runPoolCheck: (f: Uint8Array[], r: number) => Promise<PoolReport> }
        ).runPoolCheck;
        return run(bytes, rounds);
      },
      [b64, ROUNDS] as const,
    );
    const hc = await page.evaluate(() => navigator.hardwareConcurrency);
    console.log(`files: ${files.join(', ')}`);
    console.log(JSON.stringify({ hardwareConcurrency: hc, ...report }, null, 2));
    return report.identical && report.images === files.length && report.brokenIssue.startsWith('DecodeError')
      ? 0
      : 1;
  } finally {
    await close();
  }
}

process.exitCode = await main();
