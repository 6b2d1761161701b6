// Attentive diffusion runs from the UI (until the probe registry wraps it): one run at a time over the
// scanned dataset, with progress and cancel; the results stay on screen until the next run.

import type { DiffusionSettings } from '../../core/diffusion/settings.ts';
import type { DiffusionRun, RunProgress } from '../../worker/api.ts';
import type { SliceCreator } from './types.ts';

export type DiffusionStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface DiffusionState {
  status: DiffusionStatus;
  id: string | null;
  progress: RunProgress | null;
  runs: DiffusionRun[];
}

export interface DiffusionSlice {
  diffusion: DiffusionState;
  runDiffusion(modelIds: string[], settings: DiffusionSettings): Promise<void>;
  cancelDiffusion(): Promise<void>;
}

const IDLE: DiffusionState = { status: 'idle', id: null, progress: null, runs: [] };

let diffusionCounter = 0;

export const createDiffusionSlice: SliceCreator<DiffusionSlice> = (set, get, client) => {
  const update = (id: string, patch: Partial<DiffusionState>) => {
    if (get().diffusion.id === id) set({ diffusion: { ...get().diffusion, ...patch } });
  };
  return {
    diffusion: IDLE,
    async runDiffusion(modelIds, settings) {
      const { dataset, diffusion } = get();
      if (diffusion.status === 'running' || diffusion.status === 'cancelling') return;
      if (!dataset) return get().reportError(new Error('Choose a dataset first'));
      if (modelIds.length === 0) return get().reportError(new Error('Pick at least one model'));
      if (!client.diffusion)
        return get().reportError(new Error('This client cannot run attentive diffusion'));
      diffusionCounter += 1;
      const id = `diffusion-${diffusionCounter}`;
      set({ diffusion: { ...IDLE, status: 'running', id } });
      try {
        const runs = await client.diffusion(
          { datasetHandle: dataset.handle, diffusionId: id, modelIds, settings },
          (progress) => update(id, { progress }),
        );
        update(id, { status: 'done', runs, progress: null });
      } catch (error) {
        const cancelled = error instanceof Error && error.name === 'CancelledError';
        update(id, { status: cancelled ? 'cancelled' : 'failed', progress: null });
        if (!cancelled) get().reportError(error, 'Attentive diffusion failed');
      }
    },
    async cancelDiffusion() {
      const { id, status } = get().diffusion;
      if (!id || status !== 'running') return;
      update(id, { status: 'cancelling' });
      await client.cancel(id);
    },
  };
};
