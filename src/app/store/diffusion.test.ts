// The attentive-diffusion state machine against a stand-in diffusion(): the request it sends, progress, the
// runs kept on done, nothing kept on cancel, and a refusal without a dataset.

import { describe, expect, it } from 'vitest';
import { DEFAULT_DIFFUSION_SETTINGS } from '../../core/diffusion/settings.ts';
import { CancelledError } from '../../core/types.ts';
import type { DiffusionRun, RunProgress } from '../../worker/api.ts';
import { scriptedClient } from '../test/scripted-client.ts';
import { createLabStore } from './index.ts';

function diffusingStore() {
  const script = scriptedClient();
  let onProgress: ((p: RunProgress) => void) | null = null;
  let settle: { resolve(r: DiffusionRun[]): void; reject(e: unknown): void } | null = null;
  const calls: unknown[] = [];
  script.client.diffusion = (request, progress) => {
    calls.push(request);
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
    progress: (p: RunProgress) => onProgress!(p),
    finish: (r: DiffusionRun[]) => settle!.resolve(r),
  };
}

const RUN = { modelId: 'zoo-byol', modelName: 'BYOL' } as DiffusionRun;

async function withDataset(s: ReturnType<typeof diffusingStore>) {
  await s.store.getState().loadFolder('digits', [{ path: 'a/0.png', file: new File([], '0.png') }]);
}

describe('diffusion slice', () => {
  it('sends the dataset, models and settings; shows progress; keeps the runs', async () => {
    const s = diffusingStore();
    await withDataset(s);
    const settings = { ...DEFAULT_DIFFUSION_SETTINGS, stride: 1 };
    const running = s.store.getState().runDiffusion(['zoo-byol'], settings);
    expect(s.store.getState().diffusion.status).toBe('running');
    expect(s.calls[0]).toEqual({
      datasetHandle: 'dataset-1',
      diffusionId: 'diffusion-1',
      modelIds: ['zoo-byol'],
      settings,
    });
    s.progress({ stage: 'BYOL: attentive diffusion', done: 5, total: 20, ratePerSecond: 1, etaSeconds: 15 });
    expect(s.store.getState().diffusion.progress?.done).toBe(5);
    s.finish([RUN]);
    await running;
    expect(s.store.getState().diffusion).toMatchObject({ status: 'done', runs: [RUN], progress: null });
  });

  it('keeps nothing when cancelled, and says why it cannot start without a dataset', async () => {
    const s = diffusingStore();
    await s.store.getState().runDiffusion(['zoo-byol'], DEFAULT_DIFFUSION_SETTINGS);
    expect(s.store.getState().diffusion.status).toBe('idle');
    expect(s.store.getState().errors.at(-1)?.message).toMatch(/dataset/);
    await withDataset(s);
    const running = s.store.getState().runDiffusion(['zoo-byol'], DEFAULT_DIFFUSION_SETTINGS);
    await s.store.getState().cancelDiffusion();
    await running;
    expect(s.store.getState().diffusion).toMatchObject({ status: 'cancelled', runs: [] });
  });
});
