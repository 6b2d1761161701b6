// The inversion state machine against a stand-in invert(): progress, the result joining the records as a
// one-score record, cancellation that keeps nothing; and typed-in ImageNet top-1 values.

import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../core/record/types.ts';
import { CancelledError, type Progress } from '../../core/types.ts';
import type { InvertResult } from '../../worker/api.ts';
import { twoModelRecord } from '../test/records.ts';
import { scriptedClient } from '../test/scripted-client.ts';
import { createLabStore } from './index.ts';

function invertingStore() {
  const script = scriptedClient();
  let onProgress: ((p: Progress) => void) | null = null;
  let settle: { resolve(r: InvertResult): void; reject(e: unknown): void } | null = null;
  const calls: unknown[][] = [];
  script.client.invert = (modelId, imageKey, opts, progress) => {
    calls.push([modelId, imageKey, opts]);
    onProgress = progress;
    return new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
  };
  const cancel = script.client.cancel;
  script.client.cancel = async (id) => {
    await cancel(id);
    settle?.reject(new CancelledError());
  };
  const store = createLabStore(script.client);
  return {
    store,
    calls,
    progress: (p: Progress) => onProgress!(p),
    finish: (r: InvertResult) => settle!.resolve(r),
  };
}

const image = (v: number) => ({ data: new Uint8Array(12).fill(v), width: 2, height: 2 });

function result(record: ResultRecord): InvertResult {
  return {
    original: image(200),
    reconstruction: image(100),
    mse: { r: 1e4, g: 1e4, b: 1e4 },
    losses: [{ step: 0, loss: 1 }],
    steps: 30,
    record,
  };
}

async function withDataset(s: ReturnType<typeof invertingStore>) {
  await s.store.getState().loadFolder('digits', [{ path: 'a/0.png', file: new File([], '0.png') }]);
}

describe('colour slice', () => {
  it('runs one inversion with progress and adds its record to the results', async () => {
    const s = invertingStore();
    await withDataset(s);
    const running = s.store.getState().invertImage('zoo-byol', null, { steps: 30 });
    expect(s.store.getState().inversion.status).toBe('running');
    expect(s.calls[0]).toEqual([
      'zoo-byol',
      null,
      { datasetHandle: 'dataset-1', invertId: 'invert-1', steps: 30 },
    ]);
    s.progress({ stage: 'feature inversion', done: 10, total: 30, ratePerSecond: 5, etaSeconds: 4 });
    expect(s.store.getState().inversion.progress?.done).toBe(10);
    const record = twoModelRecord();
    s.finish(result(record));
    await running;
    expect(s.store.getState().inversion.status).toBe('done');
    expect(s.store.getState().inversion.result?.steps).toBe(30);
    expect(s.store.getState().records).toEqual([record]);
  });

  it('keeps nothing when cancelled', async () => {
    const s = invertingStore();
    await withDataset(s);
    const running = s.store.getState().invertImage('zoo-byol', 'test/a.png', { steps: 3000 });
    await s.store.getState().cancelInversion();
    await running;
    expect(s.store.getState().inversion.status).toBe('cancelled');
    expect(s.store.getState().inversion.result).toBeNull();
    expect(s.store.getState().records).toEqual([]);
  });

  it('keeps typed ImageNet top-1 values per model and forgets a cleared one', () => {
    const { store } = invertingStore();
    store.getState().setTop1('zoo-byol', 61.5);
    store.getState().setTop1('zoo-simclr', 70);
    store.getState().setTop1('zoo-simclr', null);
    expect(store.getState().top1Overrides).toEqual({ 'zoo-byol': 61.5 });
  });
});
