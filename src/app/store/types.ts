import type { StoreApi } from 'zustand/vanilla';
import type { LabClient } from '../worker-client.ts';
import type { BackendSlice } from './backend.ts';
import type { ColourSlice } from './colour.ts';
import type { DatasetSlice } from './dataset.ts';
import type { DiffusionSlice } from './diffusion.ts';
import type { ErrorsSlice } from './errors.ts';
import type { ModelsSlice } from './models.ts';
import type { ResultsSlice } from './results.ts';
import type { RunSlice } from './run.ts';
import type { ShareSlice } from './share.ts';

export type LabState = BackendSlice &
  DatasetSlice &
  ModelsSlice &
  RunSlice &
  ResultsSlice &
  ShareSlice &
  ErrorsSlice &
  ColourSlice &
  DiffusionSlice;

export type LabStore = StoreApi<LabState>;

/** Each slice sees the whole store (slices call each other's actions) and the worker client. */
export type SliceCreator<T> = (set: LabStore['setState'], get: LabStore['getState'], client: LabClient) => T;
