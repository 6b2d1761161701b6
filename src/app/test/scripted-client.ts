// A stand-in for the lab worker in store tests: run() is driven step by step by the test. The real worker
// is exercised by the e2e suite in Chromium.

import type { ResultRecord } from '../../core/record/types.ts';
import { CancelledError } from '../../core/types.ts';
import type { ScannedDataset } from '../../worker/api.ts';
import { summariseListing } from '../../worker/summary.ts';
import type { LabClient, RunHandlers } from '../worker-client.ts';

export function summaryOf(name: string, handle: string, classes = 5): ScannedDataset {
  return {
    handle,
    ...summariseListing({
      name,
      classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
      items: Array.from({ length: 200 }, (_, i) => ({
        key: `${i}.png`,
        label: i % classes,
        split: null,
        size: 1,
      })),
      issues: [],
      multiLabel: false,
      fingerprint: name,
    }),
  };
}

/** A worker stand-in whose run() is driven step by step by the test. */
export function scriptedClient(summary: ScannedDataset = summaryOf('digits', 'dataset-1')) {
  let handlers: RunHandlers | null = null;
  let settle: { resolve(r: ResultRecord): void; reject(e: unknown): void } | null = null;
  const cancelled: (string | undefined)[] = [];
  const client: LabClient = {
    init: async () => ({ name: 'wasm', threads: 2, reason: 'test', available: ['wasm', 'cpu'] }),
    setBackend: async (pref) => ({
      name: pref === 'auto' ? 'wasm' : pref,
      threads: 1,
      reason: 'test',
      available: ['wasm', 'cpu'],
    }),
    listModels: async () => ({ catalog: { embedded: [], upstream: [] }, models: [] }),
    listDemos: async () => [],
    scanDemo: async () => summary,
    scanFolder: async () => summary,
    run: (_request, h) => {
      handlers = h;
      return new Promise((resolve, reject) => {
        settle = { resolve, reject };
      });
    },
    cancel: async (runId) => {
      cancelled.push(runId);
      settle?.reject(new CancelledError());
    },
    cacheSize: async () => 0,
    clearCache: async () => {},
    convertCheckpoint: () => Promise.reject(new Error('no checkpoint conversion in this test')),
  };
  return {
    client,
    cancelled,
    handlers: () => handlers!,
    finish: (r: ResultRecord) => settle!.resolve(r),
    fail: (e: Error) => settle!.reject(e),
  };
}
