import { describe, expect, it } from 'vitest';
import type { ScannedDataset } from '../../worker/api.ts';
import { scriptedClient, summaryOf } from '../test/scripted-client.ts';
import { createLabStore } from './index.ts';

describe('dataset slice', () => {
  it('keeps the folder the user dropped when the default demo finishes loading after it', async () => {
    const { client } = scriptedClient();
    let finishDemo: (s: ScannedDataset) => void = () => {};
    client.listDemos = async () => [
      { name: 'fashion', path: 'fashion', description: '', licence: 'MIT', source: 'debian', default: true },
    ];
    client.scanDemo = () => new Promise((resolve) => (finishDemo = resolve));
    client.scanFolder = async (name) => summaryOf(name, 'dataset-2');
    const store = createLabStore(client);
    const demo = store.getState().loadDemos(true);
    await Promise.resolve();
    await store
      .getState()
      .loadFolder('my-photos', [{ path: 'my-photos/a/1.png', file: new File([], '1.png') }]);
    finishDemo(summaryOf('fashion', 'dataset-1'));
    await demo;
    expect(store.getState().dataset?.name).toBe('my-photos');
    expect(store.getState().dataset?.handle).toBe('dataset-2');
    expect(store.getState().datasetStatus).toBe('ready');
  });

  it('names the folder when it is empty, and keeps the previous dataset when a scan fails', async () => {
    const { client } = scriptedClient();
    const store = createLabStore(client);
    await store.getState().loadFolder('digits', [{ path: 'digits/0/a.png', file: new File([], 'a.png') }]);
    await store.getState().loadFolder('empty', []);
    client.scanFolder = () => Promise.reject(new Error('broken/x.png: zero-byte file'));
    await store.getState().loadFolder('broken', [{ path: 'broken/x.png', file: new File([], 'x.png') }]);
    expect(store.getState().dataset?.name).toBe('digits');
    expect(store.getState().errors.map((e) => e.message)).toEqual([
      "The folder 'empty' is empty: drop a folder with one subfolder per class",
      "Could not read the folder 'broken': broken/x.png: zero-byte file",
    ]);
  });
});
