// Test-only: the checkpoint fuzz loop, run in a worker_threads Worker by fuzz.test.ts so that a hang
// is caught by the parent's watchdog instead of freezing the test run. Not part of the app bundle.

import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '../core/rng.ts';
import { readCheckpoint, readRawTensors } from './checkpoint.ts';
import { CheckpointError } from './errors.ts';

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

export type Mutation = (input: Uint8Array, rand: () => number) => { bytes: Uint8Array; what: string };

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

export const MUTATIONS: Mutation[] = [
  (input, rand) => {
    const bytes = input.slice();
    const flips = 1 + int(rand, 8);
    for (let i = 0; i < flips; i++) bytes[int(rand, bytes.length)] ^= 1 << int(rand, 8);
    return { bytes, what: `flip ${flips} bits` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    return { bytes: input.slice(0, at), what: `truncate at ${at}` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    const count = 1 + int(rand, 16);
    const inserted = Uint8Array.from({ length: count }, () => int(rand, 256));
    const bytes = new Uint8Array(input.length + count);
    bytes.set(input.subarray(0, at));
    bytes.set(inserted, at);
    bytes.set(input.subarray(at), at + count);
    return { bytes, what: `insert ${count} bytes at ${at}` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    const count = 1 + int(rand, 16);
    const bytes = new Uint8Array([...input.subarray(0, at), ...input.subarray(at + count)]);
    return { bytes, what: `delete ${count} bytes at ${at}` };
  },
  (input, rand) => {
    // Overwrite a run with 0xff or 0x00: turns sizes, counts and lengths into extremes.
    const bytes = input.slice();
    const at = int(rand, bytes.length);
    const value = rand() < 0.5 ? 0xff : 0x00;
    bytes.fill(value, at, at + 1 + int(rand, 8));
    return { bytes, what: `fill 0x${value.toString(16)} at ${at}` };
  },
];

export function runFuzz(job: FuzzJob): FuzzResult {
  const rand = prng(job.seed);
  const result: FuzzResult = { cases: 0, typedErrors: 0, successes: 0, crashes: [], errorNames: {} };
  for (let i = 0; i < job.cases; i++) {
    const input = job.seeds[i % job.seeds.length];
    const { bytes, what } = MUTATIONS[int(rand, MUTATIONS.length)](input.bytes, rand);
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
