// 10,000 seeded mutations each of tar shards, zip archives, PNG and JPEG images and labels CSV files: every
// one ends in success or the reader's own typed error, never a crash or a hang. Each reader fuzzes in its
// own worker thread (a hang is caught by the watchdog); the time each took is printed.

import { Worker } from 'node:worker_threads';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import jpegJs from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { goodMembers, tar } from '../../scripts/hostile/datasets.ts';
import type { FuzzReader, ReaderFuzzJob, ReaderFuzzResult } from './readers-fuzz-worker.ts';

const CASES = 10_000;
const WATCHDOG_MS = 400_000;

function fuzzInWorker(job: ReaderFuzzJob): Promise<ReaderFuzzResult> {
  return new Promise((resolve, reject) => {
    const entry = new URL('./readers-fuzz-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${job.reader} fuzz worker still running after ${WATCHDOG_MS} ms: a hang`));
    }, WATCHDOG_MS);
    worker.once('message', (result: ReaderFuzzResult) => {
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
      if (code !== 0) reject(new Error(`${job.reader} fuzz worker exited with code ${code}`));
    });
  });
}

const text = (s: string) => new TextEncoder().encode(s);

function pixels(w: number, h: number, channels: number): Uint8Array {
  return new Uint8Array(w * h * channels).map((_, i) => (i * 37 + (i >> 5)) & 0xff);
}

function seeds(reader: FuzzReader): Array<{ name: string; bytes: Uint8Array }> {
  switch (reader) {
    case 'tar': {
      const labelled = ['a', 'b'].flatMap((k, i) => [
        { name: `${k}.png`, data: goodMembers()[i].data },
        { name: `${k}.json`, data: text(JSON.stringify({ label: k })) },
      ]);
      return [
        { name: 'class folders', bytes: tar(goodMembers()) },
        { name: 'webdataset labels', bytes: tar(labelled) },
        {
          name: 'long name',
          bytes: tar([
            { name: '././@LongLink', type: 'L', data: text(`${'d/'.repeat(80)}x.png`) },
            goodMembers()[0],
          ]),
        },
      ];
    }
    case 'zip':
      return [
        {
          name: 'stored',
          bytes: zipSync(
            { 'archive/data.pkl': pixels(64, 1, 1), 'archive/data/0': pixels(16, 16, 1) },
            { level: 0 },
          ),
        },
        {
          name: 'deflated',
          bytes: zipSync(
            { 'archive/data.pkl': pixels(64, 1, 1), 'archive/data/0': new Uint8Array(4096) },
            { level: 6 },
          ),
        },
      ];
    case 'png':
      return [
        {
          name: 'rgb',
          bytes: encodePng({ width: 24, height: 20, data: pixels(24, 20, 3), channels: 3, depth: 8 }),
        },
        {
          name: 'grey16',
          bytes: encodePng({
            width: 16,
            height: 16,
            data: new Uint16Array(256).map((_, i) => i * 97),
            channels: 1,
            depth: 16,
          }),
        },
        {
          name: 'rgba',
          bytes: encodePng({ width: 9, height: 30, data: pixels(9, 30, 4), channels: 4, depth: 8 }),
        },
      ];
    case 'jpeg':
      return [
        {
          name: 'q80',
          bytes: new Uint8Array(jpegJs.encode({ width: 24, height: 16, data: pixels(24, 16, 4) }, 80).data),
        },
        {
          name: 'q30',
          bytes: new Uint8Array(jpegJs.encode({ width: 33, height: 9, data: pixels(33, 9, 4) }, 30).data),
        },
      ];
    case 'labels':
      return [
        {
          name: 'plain',
          bytes: text('path,label\ncat/a.png,cat\ncat/b.png,cat\ndog/c.png,dog\ndog/d.png,dog\n'),
        },
        {
          name: 'quoted',
          bytes: text('\ufeffcat/a.png,"cat;x"\r\n"cat/b.png","c""at"\r\ndog/c.png,dog\r\n"dog/d.png",\r\n'),
        },
      ];
  }
}

describe('fuzzing the archive, image and label readers', () => {
  it(`ends ${CASES} mutations per reader (tar, zip, PNG, JPEG, labels CSV) only in typed errors`, {
    timeout: WATCHDOG_MS + 10_000,
  }, async () => {
    const readers: FuzzReader[] = ['tar', 'zip', 'png', 'jpeg', 'labels'];
    const results = await Promise.all(
      readers.map((reader, i) =>
        fuzzInWorker({ reader, seeds: seeds(reader), cases: CASES, seed: 20210613 + i }),
      ),
    );
    for (const r of results) {
      console.log(
        `fuzz ${r.reader}: ${r.cases} cases in ${r.milliseconds} ms, ${r.typedErrors} typed errors, ${r.successes} read`,
        r.errorNames,
      );
    }
    for (const r of results) {
      expect(r.crashes.slice(0, 5), r.reader).toEqual([]);
      expect(r.cases, r.reader).toBe(CASES);
      expect(r.typedErrors + r.successes, r.reader).toBe(CASES);
    }
  });
});
