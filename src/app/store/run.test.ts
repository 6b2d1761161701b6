// The store's run state machine against a scripted stand-in for the worker: live partial scores, the final
// record, and cancellation that keeps nothing.

import { describe, expect, it } from 'vitest';
import { twoModelRecord } from '../test/records.ts';
import { scriptedClient, summaryOf } from '../test/scripted-client.ts';
import { createLabStore } from './index.ts';

async function readyStore() {
  const script = scriptedClient();
  const store = createLabStore(script.client);
  await store.getState().initBackend();
  await store.getState().loadFolder('digits', [{ path: 'a/0.png', file: new File([], '0.png') }]);
  store.setState({ selectedModels: ['zoo-simclr', 'zoo-random'] });
  return { store, script };
}

describe('run slice', () => {
  it('shows progress and partial scores live, then keeps only the final record', async () => {
    const { store, script } = await readyStore();
    const running = store.getState().startRun();
    expect(store.getState().run.status).toBe('running');
    script
      .handlers()
      .onProgress({ stage: 'features', done: 16, total: 200, ratePerSecond: 8, etaSeconds: 23 });
    expect(store.getState().run.progress?.done).toBe(16);
    const partial = twoModelRecord();
    partial.scores = partial.scores.slice(0, 1);
    script.handlers().onRecord(partial);
    expect(store.getState().run.partial?.scores).toHaveLength(1);
    expect(store.getState().records).toEqual([]);
    script.finish(twoModelRecord());
    await running;
    expect(store.getState().run.status).toBe('done');
    expect(store.getState().run.partial).toBeNull();
    expect(store.getState().records.map((r) => r.scores.length)).toEqual([4]);
  });

  it('on Cancel drops the partial scores at once and keeps no record', async () => {
    const { store, script } = await readyStore();
    const running = store.getState().startRun();
    script.handlers().onRecord(twoModelRecord());
    expect(store.getState().run.partial).not.toBeNull();
    const runId = store.getState().run.runId;
    await store.getState().cancelRun();
    await running;
    expect(script.cancelled).toEqual([runId]);
    expect(store.getState().run.status).toBe('cancelled');
    expect(store.getState().run.partial).toBeNull();
    expect(store.getState().records).toEqual([]);
    expect(store.getState().errors).toEqual([]);
    // The UI stays usable: a new run can start right away.
    expect(store.getState().startRun()).toBeInstanceOf(Promise);
    expect(store.getState().run.status).toBe('running');
  });

  it('reports a failed run as an error and keeps no record', async () => {
    const { store, script } = await readyStore();
    const running = store.getState().startRun();
    script.fail(new Error('digits/3/7.png: corrupt or truncated'));
    await running;
    expect(store.getState().run.status).toBe('failed');
    expect(store.getState().errors.map((e) => e.message)).toEqual([
      'The evaluation failed: digits/3/7.png: corrupt or truncated',
    ]);
    expect(store.getState().records).toEqual([]);
  });

  it('does not start without models', async () => {
    const { store } = await readyStore();
    store.setState({ selectedModels: [] });
    await store.getState().startRun();
    expect(store.getState().run.status).toBe('idle');
  });
});

describe('run issues', () => {
  it('lists only the files the run itself could not use, not those the dataset summary already shows', async () => {
    const script = scriptedClient({
      ...summaryOf('digits', 'dataset-1'),
      issues: [{ key: 'digits/README.txt', action: 'skipped', reason: 'not an image (.txt)' }],
    });
    const store = createLabStore(script.client);
    await store.getState().initBackend();
    await store.getState().loadFolder('digits', [{ path: 'digits/0/a.png', file: new File([], 'a.png') }]);
    store.setState({ selectedModels: ['zoo-simclr'] });
    const running = store.getState().startRun();
    script.handlers().onIssues?.([
      { key: 'digits/README.txt', action: 'skipped', reason: 'not an image (.txt)' },
      { key: 'digits/3/7.png', action: 'skipped', reason: 'corrupt or truncated' },
    ]);
    expect(store.getState().run.issues).toEqual([
      { key: 'digits/3/7.png', action: 'skipped', reason: 'corrupt or truncated' },
    ]);
    script.finish(twoModelRecord());
    await running;
  });
});

describe('protocol settings', () => {
  it('sends the chosen linear mode, metric, episodes and seed with the run', async () => {
    const script = scriptedClient();
    let sent: unknown = null;
    const run = script.client.run;
    script.client.run = (request, handlers) => {
      sent = request.settings;
      return run(request, handlers);
    };
    const store = createLabStore(script.client);
    await store.getState().initBackend();
    await store.getState().loadFolder('digits', [{ path: 'digits/0/a.png', file: new File([], 'a.png') }]);
    store.setState({ selectedModels: ['zoo-simclr'] });
    store
      .getState()
      .updateSettings({ linearMode: 'converged', metric: 'mean-per-class', episodes: 100, seed: 7 });
    const running = store.getState().startRun();
    expect(sent).toEqual({
      seed: 7,
      linearMode: 'converged',
      metric: 'mean-per-class',
      fewshot: { ways: 5, shots: [5, 20], queries: 15, episodes: 100 },
      knn: { k: [10, 20, 100, 200], temperature: 0.07 },
    });
    script.finish(twoModelRecord());
    await running;
  });
});
