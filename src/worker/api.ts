// The one typed API the UI calls; worker.ts exposes it with comlink and does nothing else.
// Heavy work (decoding, embedding, probes, checkpoint conversion) happens here, never on the UI thread.
// State lives in the closure of createLabApi() (one lab per worker), not in module globals.

import * as Comlink from 'comlink';
import type { ConvertReport } from '../convert/checkpoint.ts';
import { planSplits } from '../core/eval-plan.ts';
import { preprocess as preprocessImage } from '../core/pixels/preprocess.ts';
import type { ResultRecord } from '../core/record/types.ts';
import type {
  BackendName,
  DatasetListing,
  DatasetSource,
  FeatureCache,
  InputIssue,
  ModelCard,
  PixelBatch,
  Progress,
  ResizeRule,
  RgbImage,
} from '../core/types.ts';
import { loadAnyBackbone } from '../engine/backbones.ts';
import { type BackendInfo, initBackend } from '../engine/backend.ts';
import { type EvalSettings, evaluate } from '../engine/pipeline.ts';
import { inversionRecord, runInversion } from '../engine/run-colour.ts';
import type { ModelFileReader } from '../engine/types.ts';
import { browserFeatureCache } from '../platform/browser/cache.ts';
import { decodeImageBrowser } from '../platform/browser/decode.ts';
import { fileListSource } from '../platform/browser/files.ts';
import { createBrowserPixelPool } from '../platform/browser/pixel-pool.ts';
import { httpDatasetSource } from '../platform/http.ts';
import type { PixelPool } from '../platform/pixel-pool-core.ts';
import { type Catalog, type DemoDataset, parseCatalog, parseDemoIndex } from './catalog.ts';
import { type ConvertOptions, convertDroppedCheckpoint } from './convert-dropped.ts';
import { type DatasetSummary, summariseListing } from './summary.ts';

export type { ConvertReport } from '../convert/checkpoint.ts';
export type { BackendInfo } from '../engine/backend.ts';
export type { Catalog, DemoDataset, UpstreamModel } from './catalog.ts';
export type { ConvertOptions } from './convert-dropped.ts';
export type { DatasetSummary } from './summary.ts';

import type { ProbeKind } from '../engine/pipeline.ts';

export type { ProbeKind };

/** Read at load, before the wasm backend raises navigator.hardwareConcurrency to lift tfjs's thread cap. */
const REAL_CORES = globalThis.navigator?.hardwareConcurrency ?? 1;

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

export interface ModelEntry {
  card: ModelCard;
  origin: 'embedded' | 'dropped';
}

export interface FolderFile {
  /** POSIX path starting with the chosen folder's name, e.g. "pets/cats/c1.png" (the shared root is removed). */
  path: string;
  file: File;
}

interface LoadedDataset {
  source: DatasetSource;
  listing: DatasetListing;
}

/** A scanned dataset: its summary plus the handle that names it in run requests. */
export type ScannedDataset = DatasetSummary & { handle: string };

/** Scanned datasets kept alive (their Files / URLs), newest last; older ones are released. */
const KEPT_DATASETS = 4;

/** Throws when a fetch fails, naming the URL so the message tells the user what is missing. */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchJson(url: string): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await fetchBytes(url)));
}

/** The image inverted when none is named: the first test image of the protocol's split. */
function firstTestKey(listing: DatasetListing): string {
  const plan = planSplits(listing.items, 0);
  const first = plan.test[0] ?? plan.train[0];
  if (first === undefined) throw new Error(`The dataset '${listing.name}' has no images to invert`);
  return listing.items[first].key;
}

export function createLabApi() {
  let baseUrl = '';
  let backend: BackendInfo | null = null;
  const datasets = new Map<string, LoadedDataset>();
  let scans = 0;
  let cache: FeatureCache | null = null;
  let pool: PixelPool | undefined;
  const cards = new Map<string, ModelEntry>();
  /** Models converted from a dropped checkpoint: their files, kept in memory for the session. */
  const droppedFiles = new Map<string, Map<string, Uint8Array>>();
  const tokens = new Map<string, { cancelled: boolean }>();

  const url = (relative: string) => new URL(relative, baseUrl).href;

  function readerFor(id: string): ModelFileReader {
    const files = droppedFiles.get(id);
    if (files) {
      return async (name) => {
        const bytes = files.get(name);
        if (!bytes) throw new Error(`Model ${id} has no file ${name}`);
        return bytes;
      };
    }
    return (name) => fetchBytes(url(`models/${encodeURIComponent(id)}/${name}`));
  }

  function entry(id: string): ModelEntry {
    const found = cards.get(id);
    if (!found)
      throw new Error(`Unknown model '${id}': it is neither in the embedded zoo nor converted here`);
    return found;
  }

  async function addDataset(source: DatasetSource): Promise<ScannedDataset> {
    const listing = await source.list();
    scans += 1;
    const handle = `dataset-${scans}`;
    datasets.set(handle, { source, listing });
    for (const old of [...datasets.keys()].slice(0, -KEPT_DATASETS)) datasets.delete(old);
    return { ...summariseListing(listing), handle };
  }

  /**
   * Decode workers pay off only when a core is free for them: with inference on a GPU, or with 4+ cores.
   * On a 2-core machine running wasm inference they would take CPU from the model (bench/pixels/RESULTS.md).
   */
  function pixelPool(backendName: string): PixelPool | undefined {
    const gpu = backendName === 'webgpu' || backendName === 'webgl';
    if (!gpu && REAL_CORES < 4) return undefined;
    pool ??= createBrowserPixelPool();
    return pool;
  }

  function featureCache(): FeatureCache {
    const existing = cache ?? browserFeatureCache();
    cache = existing;
    return existing;
  }

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
    async listModels(): Promise<{ catalog: Catalog; models: ModelEntry[] }> {
      const catalog = parseCatalog(await fetchJson(url('models/catalog.json')));
      for (const id of catalog.embedded) {
        if (cards.has(id)) continue;
        const card = (await fetchJson(url(`models/${encodeURIComponent(id)}/card.json`))) as ModelCard;
        cards.set(id, { card, origin: 'embedded' });
      }
      return { catalog, models: [...cards.values()] };
    },

    async listDemos(): Promise<DemoDataset[]> {
      return parseDemoIndex(await fetchJson(url('datasets/index.json')));
    },

    async scanDemo(name: string): Promise<ScannedDataset> {
      const demos = parseDemoIndex(await fetchJson(url('datasets/index.json')));
      const demo = demos.find((d) => d.name === name);
      if (!demo) throw new Error(`No demo dataset named '${name}' in datasets/index.json`);
      const dir = demo.path.replace(/\/*$/, '/');
      return addDataset(httpDatasetSource(new URL(dir, url('datasets/')).href));
    },

    /** Files are structured-cloned into the worker; only their metadata is read until a run decodes them. */
    async scanFolder(name: string, files: FolderFile[]): Promise<ScannedDataset> {
      const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return addDataset(fileListSource(name, sorted));
    },

    async run(
      request: RunRequest,
      onProgress: (p: RunProgress) => void,
      onRecord: (partial: ResultRecord) => void,
      onIssues?: (issues: InputIssue[]) => void,
    ): Promise<ResultRecord> {
      const dataset = datasets.get(request.datasetHandle);
      if (!dataset) throw new Error('Choose a dataset first: drop a folder or pick a demo set');
      if (!backend) throw new Error('The compute backend is not initialised yet');
      if (request.modelIds.length === 0) throw new Error('Pick at least one model to evaluate');
      const token = { cancelled: false };
      tokens.set(request.runId, token);
      try {
        const models = request.modelIds.map((id) => ({ card: entry(id).card, read: readerFor(id) }));
        return await evaluate(
          {
            models,
            source: dataset.source,
            probes: request.probes,
            settings: request.settings,
            backend: backend.name,
            batchSize: request.batchSize,
          },
          {
            onProgress,
            onRecord,
            onIssues,
            cancel: token,
            decode: decodeImageBrowser,
            pixels: pixelPool(backend.name),
            cache: request.useCache === false ? undefined : featureCache(),
            listing: dataset.listing,
          },
        );
      } finally {
        tokens.delete(request.runId);
      }
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
      const dataset = datasets.get(opts.datasetHandle);
      if (!dataset) throw new Error('Choose a dataset first: drop a folder or pick a demo set');
      if (!backend) throw new Error('The compute backend is not initialised yet');
      const token = { cancelled: false };
      tokens.set(opts.invertId, token);
      try {
        const card = entry(modelId).card;
        const imageKey = requestedKey ?? firstTestKey(dataset.listing);
        const rgb = await decodeImageBrowser(await dataset.source.read(imageKey), imageKey);
        const run = await runInversion(
          card,
          readerFor(modelId),
          { key: imageKey, dataset: dataset.listing.name, rgb },
          { steps: opts.steps, learningRate: opts.learningRate },
          { onProgress, cancel: token },
        );
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
      } finally {
        tokens.delete(opts.invertId);
      }
    },

    /** Sets the token the pipeline polls between batches; without an id every active run is cancelled. */
    cancel(runId?: string): void {
      for (const [id, token] of tokens) if (runId === undefined || id === runId) token.cancelled = true;
    },

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
    async convertCheckpoint(
      file: File,
      opts: ConvertOptions,
      onProgress: (p: Progress) => void,
    ): Promise<{ model: ModelEntry; report: ConvertReport }> {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const converted = await convertDroppedCheckpoint(file.name, bytes, opts, onProgress);
      droppedFiles.set(converted.card.id, converted.files);
      const model: ModelEntry = { card: converted.card, origin: 'dropped' };
      cards.set(converted.card.id, model);
      return { model, report: converted.report };
    },

    /** Debug entry for e2e parity tests: features of one model for given NHWC [0,1] pixels. */
    async embedPixels(modelId: string, pixels: PixelBatch): Promise<Float32Array> {
      const backbone = await loadAnyBackbone(entry(modelId).card, readerFor(modelId));
      try {
        const features = await backbone.embed(pixels);
        return Comlink.transfer(features, [features.buffer]);
      } finally {
        backbone.dispose();
      }
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
