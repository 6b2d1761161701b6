// Test-only: the checkpoint fuzz loop, run in a worker_threads Worker by fuzz.test.ts so that a hang
// is caught by the parent's watchdog instead of freezing the test run. Not part of the app bundle.

import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '../core/rng.ts';
import { readCheckpoint, readRawTensors } from './checkpoint.ts';
import { CheckpointError } from './errors.ts';
import { MUTATIONS } from './fuzz-mutations.ts';

export interface FuzzJob {
  seeds: Array<{ name: string; bytes: Uint8Array }>;
  cases: number;
  seed: number;
}

export interface FuzzResult {
  cases: number;
  /** Reads that threw a CheckpointError (two reads per case). */
  typedErrors: number;
  /** Reads that returned a result. */
  successes: number;
  /** Cases that threw something other than a CheckpointError: each is a bug. */
  crashes: Array<{ input: string; mutation: string; error: string }>;
  errorNames: Record<string, number>;
}

/** mulberry32: a tiny seeded PRNG, so every failing case can be replayed from (seed, index). */
function prng(seed: number): () => number {
  return createRng(seed).nextFloat;
}

export function runFuzz(job: FuzzJob): FuzzResult {
  const rand = prng(job.seed);
  const result: FuzzResult = { cases: 0, typedErrors: 0, successes: 0, crashes: [], errorNames: {} };
  for (let i = 0; i < job.cases; i++) {
    const input = job.seeds[i % job.seeds.length];
    const { bytes, what } = MUTATIONS[Math.floor(rand() * MUTATIONS.length)](input.bytes, rand);
    result.cases++;
    // Twice per case: through the ResNet mapping, and decoding every tensor whatever its key.
    for (const read of [readCheckpoint, readRawTensors]) {
      try {
        read(bytes);
        result.successes++;
      } catch (error) {
        const name = (error as Error)?.name ?? typeof error;
        result.errorNames[name] = (result.errorNames[name] ?? 0) + 1;
        if (error instanceof CheckpointError) result.typedErrors++;
        else result.crashes.push({ input: input.name, mutation: `case ${i}: ${what}`, error: String(error) });
      }
    }
  }
  return result;
}

if (parentPort && workerData) {
  parentPort.postMessage(runFuzz(workerData as FuzzJob));
}
