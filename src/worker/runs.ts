// Evaluations and feature inversions started from the UI, each with a cancel token named by the caller.

import * as Comlink from 'comlink';
import { defaultMemoryBudget } from '../core/batch-size.ts';
import type { EvalSettings } from '../core/probes/settings.ts';
import type { ProbeKind } from '../core/probes/types.ts';
import type { ResultRecord } from '../core/record/types.ts';
import type { FeatureCache, InputIssue, Progress, RgbImage } from '../core/types.ts';
import { loadAnyBackbone } from '../engine/backbones.ts';
import type { BackendInfo } from '../engine/backend.ts';
import { evaluate } from '../engine/pipeline.ts';
import { inversionRecord, runInversion } from '../engine/run-colour.ts';
import { decodeImageBrowser } from '../platform/browser/decode.ts';
import type { PixelPool } from '../platform/pixel-pool-core.ts';
import { type createDatasetStore, firstTestKey } from './datasets.ts';
import { type DiffusionRequest, type DiffusionRun, diffusionOfModels } from './diffusion.ts';
import type { ModelStore } from './models.ts';

export interface RunRequest {
  /** Chosen by the caller so it can cancel this run while `run` is pending. */
  runId: string;
  /** The handle a scan returned: runs use exactly the dataset the user saw, even if scans overlapped. */
  datasetHandle: string;
  modelIds: string[];
  probes: ProbeKind[];
  settings: EvalSettings;
  batchSize?: number;
  /** Reuse and store features in the browser's feature cache (OPFS / IndexedDB). */
  useCache?: boolean;
}

export type RunProgress = Progress & { model?: string };

export interface InvertOptions {
  /** The scanned dataset the image belongs to (a handle from scanDemo / scanFolder). */
  datasetHandle: string;
  /** Chosen by the caller so `cancel(invertId)` can stop this inversion. */
  invertId: string;
  /** Adam steps (the paper: 3,000) and learning rate (the paper: 1e-3). */
  steps?: number;
  learningRate?: number;
}

export interface InvertResult {
  /** The image after the model's resize and crop (the inversion's target), and its reconstruction. */
  original: RgbImage;
  reconstruction: RgbImage;
  mse: { r: number; g: number; b: number };
  losses: { step: number; loss: number }[];
  steps: number;
  /** The inversion as a one-score ResultRecord (metric 'mse'), to join the results. */
  record: ResultRecord;
}

/** navigator.deviceMemory (GiB, rounded and capped by the browser; Chromium only), in bytes. */
function deviceMemoryBytes(): number | undefined {
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? gib * 2 ** 30 : undefined;
}

interface RunnerDeps {
  datasets: ReturnType<typeof createDatasetStore>;
  models: ModelStore;
  backend: () => BackendInfo;
  cache: () => FeatureCache;
  pixelPool: (backendName: string) => PixelPool | undefined;
}

export function createRuns(deps: RunnerDeps) {
  const tokens = new Map<string, { cancelled: boolean }>();

  async function withToken<T>(id: string, work: (token: { cancelled: boolean }) => Promise<T>): Promise<T> {
    const token = { cancelled: false };
    tokens.set(id, token);
    try {
      return await work(token);
    } finally {
      tokens.delete(id);
    }
  }

  return {
    async run(
      request: RunRequest,
      onProgress: (p: RunProgress) => void,
      onRecord: (partial: ResultRecord) => void,
      onIssues?: (issues: InputIssue[]) => void,
    ): Promise<ResultRecord> {
      const dataset = deps.datasets.get(request.datasetHandle);
      const backend = deps.backend();
      if (request.modelIds.length === 0) throw new Error('Pick at least one model to evaluate');
      return withToken(request.runId, (token) =>
        evaluate(
          {
            models: request.modelIds.map(deps.models.ref),
            source: dataset.source,
            probes: request.probes,
            settings: request.settings,
            backend: backend.name,
            batchSize: request.batchSize,
            memoryBudgetBytes: defaultMemoryBudget(deviceMemoryBytes()),
          },
          {
            onProgress,
            onRecord,
            onIssues,
            cancel: token,
            decode: decodeImageBrowser,
            pixels: deps.pixelPool(backend.name),
            cache: request.useCache === false ? undefined : deps.cache(),
            listing: dataset.listing,
          },
        ),
      );
    },

    /**
     * Feature inversion of one image of a scanned dataset through a model's layer4 map (Deep Image Prior,
     * Adam), with progress; `cancel(opts.invertId)` stops it between steps.
     */
    async invert(
      modelId: string,
      requestedKey: string | null,
      opts: InvertOptions,
      onProgress: (p: Progress) => void,
    ): Promise<InvertResult> {
      const dataset = deps.datasets.get(opts.datasetHandle);
      const backend = deps.backend();
      return withToken(opts.invertId, async (token) => {
        const { card, read } = deps.models.ref(modelId);
        const imageKey = requestedKey ?? firstTestKey(dataset.listing);
        const rgb = await decodeImageBrowser(await dataset.source.read(imageKey), imageKey);
        const backbone = await loadAnyBackbone(card, read);
        const run = await runInversion(
          backbone,
          { key: imageKey, dataset: dataset.listing.name, rgb },
          { steps: opts.steps, learningRate: opts.learningRate },
          { onProgress, cancel: token },
        ).finally(() => backbone.dispose());
        const record = inversionRecord(run, card, dataset.listing, { backend: backend.name });
        const { original, reconstruction } = run;
        return Comlink.transfer(
          {
            original,
            reconstruction,
            mse: run.detail.mse,
            losses: run.detail.losses,
            steps: run.detail.steps,
            record,
          },
          [original.data.buffer, reconstruction.data.buffer],
        );
      });
    },

    /** Attentive diffusion (paper §4.9) of models on a seeded sample of a scanned dataset (./diffusion.ts). */
    async diffusion(
      request: DiffusionRequest,
      onProgress: (p: RunProgress) => void,
    ): Promise<DiffusionRun[]> {
      const dataset = deps.datasets.get(request.datasetHandle);
      return withToken(request.diffusionId, (token) =>
        diffusionOfModels(dataset, request, deps.models.ref, onProgress, token),
      );
    },

    /** Sets the token the pipeline polls between batches; without an id every active run is cancelled. */
    cancel(runId?: string): void {
      for (const [id, token] of tokens) if (runId === undefined || id === runId) token.cancelled = true;
    },
  };
}
