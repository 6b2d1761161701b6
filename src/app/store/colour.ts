// Colour analyses that are not part of a run: one feature inversion at a time (with progress and cancel),
// and ImageNet top-1 values the user types in for models whose card does not know it (correlation view).

import type { Progress } from '../../core/types.ts';
import type { InvertResult } from '../../worker/api.ts';
import type { SliceCreator } from './types.ts';

export type InversionStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface InversionState {
  status: InversionStatus;
  id: string | null;
  modelId: string | null;
  progress: Progress | null;
  result: InvertResult | null;
}

export interface ColourSlice {
  inversion: InversionState;
  /** Inverts one image (null: the dataset's first test image) through the model's layer4 map. */
  invertImage(
    modelId: string,
    imageKey: string | null,
    opts: { steps: number; learningRate?: number },
  ): Promise<void>;
  cancelInversion(): Promise<void>;
  /** ImageNet top-1 (%) typed in per model id, for models whose card has none. */
  top1Overrides: Record<string, number>;
  setTop1(modelId: string, value: number | null): void;
}

const IDLE: InversionState = { status: 'idle', id: null, modelId: null, progress: null, result: null };

let inversionCounter = 0;

export const createColourSlice: SliceCreator<ColourSlice> = (set, get, client) => {
  const update = (id: string, patch: Partial<InversionState>) => {
    if (get().inversion.id === id) set({ inversion: { ...get().inversion, ...patch } });
  };
  return {
    inversion: IDLE,
    async invertImage(modelId, imageKey, opts) {
      const { dataset, inversion } = get();
      if (inversion.status === 'running' || inversion.status === 'cancelling') return;
      if (!dataset) return get().reportError(new Error('Choose a dataset first'));
      if (!client.invert) return get().reportError(new Error('This client cannot run feature inversions'));
      inversionCounter += 1;
      const id = `invert-${inversionCounter}`;
      set({ inversion: { ...IDLE, status: 'running', id, modelId } });
      try {
        const result = await client.invert(
          modelId,
          imageKey,
          { datasetHandle: dataset.handle, invertId: id, ...opts },
          (progress) => update(id, { progress }),
        );
        if (get().inversion.status === 'cancelling')
          return update(id, { status: 'cancelled', progress: null });
        update(id, { status: 'done', result });
        get().addRecords([result.record]);
      } catch (error) {
        const cancelled = error instanceof Error && error.name === 'CancelledError';
        update(id, { status: cancelled ? 'cancelled' : 'failed', progress: null });
        if (!cancelled) get().reportError(error, 'The feature inversion failed');
      }
    },
    async cancelInversion() {
      const { id, status } = get().inversion;
      if (!id || status !== 'running') return;
      update(id, { status: 'cancelling' });
      await client.cancel(id);
    },
    top1Overrides: {},
    setTop1(modelId, value) {
      const next = { ...get().top1Overrides };
      if (value === null || !Number.isFinite(value)) delete next[modelId];
      else next[modelId] = value;
      set({ top1Overrides: next });
    },
  };
};
