import { Worker } from 'node:worker_threads';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { FuzzJob, FuzzResult } from './fuzz-worker.ts';
import { pythonTorchUnavailable, readFixture } from './test-fixtures.ts';

const skip = pythonTorchUnavailable();
if (skip) console.warn(`SKIPPING checkpoint fuzzing (PyTorch needed for the seed files): ${skip}`);

const WATCHDOG_MS = 240_000;

/** Runs the fuzz loop in a worker; a hang past the watchdog terminates it and fails the test. */
function fuzzInWorker(job: FuzzJob): Promise<FuzzResult> {
  return new Promise((resolve, reject) => {
    // The worker is plain Node: register tsx's loader in it, then import the TypeScript fuzz loop.
    const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`fuzz worker still running after ${WATCHDOG_MS} ms: a hang`));
    }, WATCHDOG_MS);
    worker.once('message', (result: FuzzResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`fuzz worker exited with code ${code} (crash or out of memory)`));
    });
  });
}

describe.skipIf(skip !== null)('fuzzing mutated checkpoints', () => {
  it('10,000+ seeded mutations of small checkpoints end in typed errors or valid results, never a crash', async () => {
    const names = [
      'tiny-tv.zip.pth',
      'tiny-tv.legacy.pth',
      'tiny-tv.safetensors',
      'tiny-moco.legacy.pth',
      'tiny-simclrv2.zip.pth',
      'tiny-byol.p2.pkl',
      'tiny-byol.p4.pkl',
      'numpy.p5.pkl',
      'odd.zip.pth',
      'odd.legacy.pth',
    ];
    const seeds = names.map((name) => ({ name, bytes: readFixture(name) }));
    // A DEFLATE-compressed torch zip too, so mutations reach the inflater's error paths.
    seeds.push({
      name: 'tiny-tv.zip.pth (deflated)',
      bytes: zipSync(unzipSync(readFixture('tiny-tv.zip.pth'))),
    });
    const result = await fuzzInWorker({ seeds, cases: 10_000, seed: 20210613 });
    console.log(
      `fuzz: ${result.cases} cases, ${result.typedErrors} typed errors, ${result.successes} loaded`,
      result.errorNames,
    );
    expect(result.crashes.slice(0, 5)).toEqual([]);
    expect(result.cases).toBe(10_000);
    expect(result.typedErrors + result.successes).toBe(20_000);
  });
});
