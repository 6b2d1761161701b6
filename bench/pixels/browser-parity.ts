// Browser pixel parity + decode speed: builds bench/pixels/browser/ with Vite (production build, as the app
// ships), opens it in Debian's Chromium, and runs every corpus image through the browser decoder inside a
// module Worker. Compares with PIL + torchvision: decode size, and both rules' 224×224 crops.
// Also round-trips the browser feature cache (OPFS and IndexedDB) inside the Worker.
// Run: npx tsx bench/pixels/browser-parity.ts   (exit code 1 on any mismatch beyond 2/255 max, 0.2/255 mean)

import { join } from 'node:path';
import {
  channelDiff,
  loadCorpus,
  readCorpusFile,
  readReference,
} from '../../src/platform/node/pixel-corpus.ts';
import type { WorkerReply } from './browser/main.ts';
import { openBuiltPage } from './built-page.ts';

const LINEAR = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' } as const;
const FEWSHOT = { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' } as const;
const RULES: unknown[] = [LINEAR, FEWSHOT];

async function main(): Promise<number> {
  const corpus = loadCorpus();
  // CACHE_ONLY=1 runs just the feature-cache round trips (quick).
  const images = process.env.CACHE_ONLY ? [] : corpus;
  const { page, close } = await openBuiltPage({
    root: join(import.meta.dirname, 'browser'),
    outDir: '.cache/pixels-browser-build',
    port: 4199,
  });
  let failures = 0;
  try {
    for (const store of ['opfs', 'indexeddb'] as const) {
      const r = await page.evaluate(
        (s) => (globalThis as unknown as { cacheCheck: (s: string) => Promise<WorkerReply> }).cacheCheck(s),
        store,
      );
      const expected = { got: [[1, 2, 3], [9, 9, 9], null], after: 0 };
      const c = r.cache as { got: unknown; size: number; after: number } | string;
      const ok =
        typeof c === 'object' &&
        JSON.stringify({ got: c.got, after: c.after }) === JSON.stringify(expected) &&
        c.size > 36;
      if (!ok) failures++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} feature cache in a Worker via ${store}: ${JSON.stringify(c)}`);
    }
    for (const entry of images) {
      const b64 = Buffer.from(readCorpusFile(entry.file)).toString('base64');
      const reply = await page.evaluate(
        async ([data, key, rules]) => {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const check = (
            globalThis as unknown as {
              pixelCheck: (b: Uint8Array, k: string, r: unknown[]) => Promise<WorkerReply>;
            }
          ).pixelCheck;
          const r = await check(bytes, key, rules);
          return {
            ...r,
            linear: r.linear ? Array.from(r.linear) : undefined,
            fewshot: r.fewshot ? Array.from(r.fewshot) : undefined,
          };
        },
        [b64, entry.file, RULES] as const,
      );
      if (!reply.ok) {
        console.log(`FAIL ${entry.file}: ${reply.error}`);
        failures++;
        continue;
      }
      const parts = (['linear', 'fewshot'] as const).map((rule) => {
        const d = channelDiff(Uint8Array.from(reply[rule]!), readReference(entry[rule]).data);
        const max = Math.max(...d.max);
        const mean = Math.max(...d.mean);
        if (max > 2 || mean > 0.2) failures++;
        return `${rule} max ${max} mean ${mean.toFixed(3)}`;
      });
      const sizeOk = reply.width === entry.width && reply.height === entry.height;
      if (!sizeOk) failures++;
      console.log(
        `${sizeOk ? 'ok  ' : 'SIZE'} ${entry.file.padEnd(34)} ${parts.join(' | ')} | decode ${reply.decodeMs!.toFixed(1)} ms`,
      );
    }
  } finally {
    await close();
  }
  console.log(
    failures === 0
      ? `browser pixels match PIL on all ${images.length} images; feature cache ok`
      : `${failures} mismatches`,
  );
  return failures === 0 ? 0 : 1;
}

process.exit(await main());
