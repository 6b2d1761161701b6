// Test-only: the archive, image and label fuzz loops, run in worker_threads Workers by readers-fuzz.test.ts
// so that a hang is caught by the parent's watchdog. Each reader must end every mutated input with success or
// its own typed error (DatasetError for tar and labels, CheckpointError for zip, DecodeError for images).

import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointError } from '../convert/errors.ts';
import { MUTATIONS } from '../convert/fuzz-mutations.ts';
import { ZipArchive } from '../convert/zip.ts';
import { DatasetError } from '../core/dataset/errors.ts';
import { buildListing } from '../core/dataset/listing.ts';
import { bytesReader, planShards, scanTar } from '../core/dataset/tar.ts';
import { createRng } from '../core/rng.ts';
import { DecodeError } from './decode/errors.ts';
import { decodeImageNode } from './node/decode.ts';

export type FuzzReader = 'tar' | 'zip' | 'png' | 'jpeg' | 'labels';

export interface ReaderFuzzJob {
  reader: FuzzReader;
  seeds: Array<{ name: string; bytes: Uint8Array }>;
  cases: number;
  seed: number;
}

export interface ReaderFuzzResult {
  reader: FuzzReader;
  cases: number;
  typedErrors: number;
  successes: number;
  crashes: Array<{ input: string; mutation: string; error: string }>;
  errorNames: Record<string, number>;
  milliseconds: number;
}

const utf8 = new TextDecoder();

/** Reads one input the way the lab does; resolves on success, rejects with whatever the reader throws. */
const READERS: Record<FuzzReader, (bytes: Uint8Array) => Promise<unknown>> = {
  async tar(bytes) {
    const listing = await scanTar(bytesReader(bytes), bytes.length, 'fuzz.tar');
    return planShards([{ name: 'train-0.tar', read: bytesReader(bytes), ...listing }]);
  },
  async zip(bytes) {
    const archive = new ZipArchive(bytes);
    for (const name of archive.names) archive.read(name);
  },
  png: (bytes) => decodeImageNode(bytes, 'fuzz.png'),
  jpeg: (bytes) => decodeImageNode(bytes, 'fuzz.jpg'),
  async labels(bytes) {
    const files = ['cat/a.png', 'cat/b.png', 'dog/c.png', 'dog/d.png'].map((path) => ({ path, size: 10 }));
    return buildListing('fuzz', files, { labelsCsv: utf8.decode(bytes) });
  },
};

const TYPED: Record<FuzzReader, (error: unknown) => boolean> = {
  tar: (e) => e instanceof DatasetError,
  zip: (e) => e instanceof CheckpointError,
  png: (e) => e instanceof DecodeError,
  jpeg: (e) => e instanceof DecodeError,
  labels: (e) => e instanceof DatasetError,
};

export async function runReaderFuzz(job: ReaderFuzzJob): Promise<ReaderFuzzResult> {
  const rand = createRng(job.seed).nextFloat;
  const started = performance.now();
  const result: ReaderFuzzResult = {
    reader: job.reader,
    cases: 0,
    typedErrors: 0,
    successes: 0,
    crashes: [],
    errorNames: {},
    milliseconds: 0,
  };
  const read = READERS[job.reader];
  for (let i = 0; i < job.cases; i++) {
    const input = job.seeds[i % job.seeds.length];
    const { bytes, what } = MUTATIONS[Math.floor(rand() * MUTATIONS.length)](input.bytes, rand);
    result.cases++;
    try {
      await read(bytes);
      result.successes++;
    } catch (error) {
      const name = (error as Error)?.name ?? typeof error;
      result.errorNames[name] = (result.errorNames[name] ?? 0) + 1;
      if (TYPED[job.reader](error)) result.typedErrors++;
      else if (result.crashes.length < 20)
        result.crashes.push({ input: input.name, mutation: `case ${i}: ${what}`, error: String(error) });
      else result.crashes.length++;
    }
  }
  result.milliseconds = Math.round(performance.now() - started);
  return result;
}

if (parentPort && workerData) {
  void runReaderFuzz(workerData as ReaderFuzzJob).then((r) => parentPort?.postMessage(r));
}
