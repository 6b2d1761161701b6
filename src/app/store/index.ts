// One vanilla zustand store made of slices; React reads it through the bindings in ./react.ts.

import { createStore } from 'zustand/vanilla';
import type { LabClient } from '../worker-client.ts';
import { createBackendSlice } from './backend.ts';
import { createColourSlice } from './colour.ts';
import { createDatasetSlice } from './dataset.ts';
import { createDiffusionSlice } from './diffusion.ts';
import { createErrorsSlice } from './errors.ts';
import { createModelsSlice } from './models.ts';
import { keepRecordsOnShelf, type RecordShelf } from './persist.ts';
import { createResultsSlice } from './results.ts';
import { createRunSlice } from './run.ts';
import { createShareSlice } from './share.ts';
import type { LabState, LabStore } from './types.ts';

export type { LabState, LabStore } from './types.ts';

export function createLabStore(client: LabClient): LabStore {
  return createStore<LabState>()((set, get) => ({
    ...createErrorsSlice(set, get, client),
    ...createBackendSlice(set, get, client),
    ...createDatasetSlice(set, get, client),
    ...createModelsSlice(set, get, client),
    ...createRunSlice(set, get, client),
    ...createResultsSlice(set, get, client),
    ...createShareSlice(set, get, client),
    ...createColourSlice(set, get, client),
    ...createDiffusionSlice(set, get, client),
  }));
}

/**
 * Start-up: a permalink in the fragment is shown as is (no run, no data); otherwise the embedded zoo is
 * selected and the default demo dataset loaded, so a single click on Run gives a real comparison, and the
 * results kept on `shelf` from earlier visits are shown again.
 */
export async function bootLab(store: LabStore, hash: string, shelf?: RecordShelf): Promise<void> {
  const state = store.getState();
  const shared = state.openFragment(hash);
  const kept = shelf ? keepRecordsOnShelf(store, shelf) : Promise.resolve();
  await Promise.all([kept, state.initBackend(), state.loadModels(), state.loadDemos(!shared)]);
}
