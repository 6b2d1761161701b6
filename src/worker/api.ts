// The one typed API the UI calls; worker.ts exposes it with comlink and does nothing else. A facade over small
// modules: environment.ts (detected once), datasets.ts, models.ts, runs.ts, fetching.ts. Heavy work (decoding,
// embedding, probes, checkpoint conversion) happens here, never on the UI thread. State lives in the closure
// of createLabApi() (one lab per worker), not in module globals.

import * as Comlink from 'comlink';
import type { ConvertReport } from '../convert/checkpoint.ts';
import { preprocess as preprocessImage } from '../core/pixels/preprocess.ts';
import type { BackendName, FeatureCache, PixelBatch, Progress, ResizeRule } from '../core/types.ts';
import { loadAnyBackbone } from '../engine/backbones.ts';
import { type BackendInfo, initBackend } from '../engine/backend.ts';
import { gemmEngine } from '../engine/gemm/shared-engine.ts';
import { checkGemmSharing, type SharingCheck } from '../engine/gemm/sharing-check.ts';
import { browserFeatureCache } from '../platform/browser/cache.ts';
import { decodeImageBrowser } from '../platform/browser/decode.ts';
import { fileListSource } from '../platform/browser/files.ts';
import { createBrowserPixelPool } from '../platform/browser/pixel-pool.ts';
import { httpDatasetSource } from '../platform/http.ts';
import type { PixelPool } from '../platform/pixel-pool-core.ts';
import { type Catalog, type DemoDataset, parseDemoIndex } from './catalog.ts';
import type { ConvertOptions } from './convert-dropped.ts';
import { createDatasetStore, type ScannedDataset } from './datasets.ts';
import { wantsPixelPool } from './environment.ts';
import { fetchJson } from './fetching.ts';
import { createModelStore, type ModelEntry } from './models.ts';
import { createRuns } from './runs.ts';

export type { ConvertReport } from '../convert/checkpoint.ts';
export type { ProbeKind } from '../core/probes/types.ts';
export type { BackendInfo } from '../engine/backend.ts';
export type { Catalog, DemoDataset, UpstreamModel } from './catalog.ts';
export type { ConvertOptions } from './convert-dropped.ts';
export type { ScannedDataset } from './datasets.ts';
export type { DiffusionRequest, DiffusionRun } from './diffusion.ts';
export type { ModelEntry } from './models.ts';
export type { InvertOptions, InvertResult, RunProgress, RunRequest } from './runs.ts';
export type { DatasetSummary } from './summary.ts';

export interface FolderFile {
  /** POSIX path starting with the chosen folder's name, e.g. "pets/cats/c1.png" (the shared root is removed). */
  path: string;
  file: File;
}

export function createLabApi() {
  let baseUrl = '';
  let backend: BackendInfo | null = null;
  let cache: FeatureCache | null = null;
  let pool: PixelPool | undefined;
  const url = (relative: string) => new URL(relative, baseUrl).href;
  const datasets = createDatasetStore();
  const models = createModelStore(url);
  const featureCache = () => (cache ??= browserFeatureCache());
  const runs = createRuns({
    datasets,
    models,
    backend: () => {
      if (!backend) throw new Error('The compute backend is not initialised yet');
      return backend;
    },
    cache: featureCache,
    pixelPool: (backendName) =>
      wantsPixelPool(backendName) ? (pool ??= createBrowserPixelPool()) : undefined,
  });

  return {
    /** Must be called first: `pageUrl` is the page's base URL (the worker's own URL is under assets/). */
    async init(pageUrl: string, pref: BackendName | 'auto' = 'auto'): Promise<BackendInfo> {
      baseUrl = new URL('./', pageUrl).href;
      backend = await initBackend(pref);
      return backend;
    },

    async setBackend(pref: BackendName | 'auto'): Promise<BackendInfo> {
      backend = await initBackend(pref);
      return backend;
    },

    /** The catalog (embedded zoo ids + upstream models of the paper) and the embedded models' cards. */
    listModels(): Promise<{ catalog: Catalog; models: ModelEntry[] }> {
      return models.list();
    },

    async listDemos(): Promise<DemoDataset[]> {
      return parseDemoIndex(await fetchJson(url('datasets/index.json')));
    },

    async scanDemo(name: string): Promise<ScannedDataset> {
      const demos = parseDemoIndex(await fetchJson(url('datasets/index.json')));
      const demo = demos.find((d) => d.name === name);
      if (!demo) throw new Error(`No demo dataset named '${name}' in datasets/index.json`);
      const dir = demo.path.replace(/\/*$/, '/');
      return datasets.add(httpDatasetSource(new URL(dir, url('datasets/')).href));
    },

    /** Files are structured-cloned into the worker; only their metadata is read until a run decodes them. */
    async scanFolder(name: string, files: FolderFile[]): Promise<ScannedDataset> {
      const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return datasets.add(fileListSource(name, sorted));
    },

    run: runs.run,
    invert: runs.invert,
    diffusion: runs.diffusion,
    cancel: runs.cancel,

    cacheSize(): Promise<number> {
      return featureCache().sizeBytes();
    },

    clearCache(): Promise<void> {
      return featureCache().clear();
    },

    /**
     * Converts a dropped checkpoint (.pth / .pt / .safetensors) to the lab's format; the model then runs like
     * any other, from memory, for the rest of the session. The File is read here, off the UI thread.
     */
    convertCheckpoint(
      file: File,
      opts: ConvertOptions,
      onProgress: (p: Progress) => void,
    ): Promise<{ model: ModelEntry; report: ConvertReport; familyFrom: string }> {
      return models.convert(file, opts, onProgress);
    },

    /** Debug entry for e2e parity tests: features of one model for given NHWC [0,1] pixels. */
    async embedPixels(modelId: string, pixels: PixelBatch): Promise<Float32Array> {
      const backbone = await loadAnyBackbone(models.entry(modelId).card, models.readerFor(modelId));
      try {
        const features = await backbone.embed(pixels);
        return Comlink.transfer(features, [features.buffer]);
      } finally {
        backbone.dispose();
      }
    },

    /** Debug entry for e2e tests: whether the GEMM's helper threads take part here (null without the GEMM). */
    async gemmSharing(): Promise<SharingCheck | null> {
      const engine = await gemmEngine();
      return engine ? checkGemmSharing(engine) : null;
    },

    /** Debug entry for e2e parity tests: decode bytes as the browser does, then apply a resize rule. */
    async preprocess(bytes: Uint8Array, rule: ResizeRule): Promise<Float32Array> {
      const image = await decodeImageBrowser(bytes, 'debug-image');
      const pixels = preprocessImage(image, rule);
      return Comlink.transfer(pixels, [pixels.buffer]);
    },
  };
}

export type LabApi = ReturnType<typeof createLabApi>;
