// The UI's handle on the lab worker. Callbacks cross the thread boundary as Comlink proxies; Files are
// structured-cloned into the worker; cancellation is a call that flips the token the pipeline polls.

import * as Comlink from 'comlink';
import type { ResultRecord } from '../core/record/types.ts';
import type { BackendName, InputIssue, Progress } from '../core/types.ts';
import type {
  BackendInfo,
  Catalog,
  ConvertOptions,
  ConvertReport,
  DemoDataset,
  DiffusionRequest,
  DiffusionRun,
  FolderFile,
  InvertOptions,
  InvertResult,
  LabApi,
  ModelEntry,
  RunProgress,
  RunRequest,
  ScannedDataset,
} from '../worker/api.ts';

export interface RunHandlers {
  onProgress(p: RunProgress): void;
  onRecord(partial: ResultRecord): void;
  /** Files the run could not use (e.g. undecodable images), by name, with what was done. */
  onIssues?(issues: InputIssue[]): void;
}

/** What the store needs from the worker; the production implementation is `startLabWorker()`. */
export interface LabClient {
  init(pref: BackendName | 'auto'): Promise<BackendInfo>;
  setBackend(pref: BackendName | 'auto'): Promise<BackendInfo>;
  listModels(): Promise<{ catalog: Catalog; models: ModelEntry[] }>;
  listDemos(): Promise<DemoDataset[]>;
  scanDemo(name: string): Promise<ScannedDataset>;
  scanFolder(name: string, files: FolderFile[]): Promise<ScannedDataset>;
  run(request: RunRequest, handlers: RunHandlers): Promise<ResultRecord>;
  cancel(runId?: string): Promise<void>;
  cacheSize(): Promise<number>;
  clearCache(): Promise<void>;
  convertCheckpoint(
    file: File,
    opts: ConvertOptions,
    onProgress: (p: Progress) => void,
  ): Promise<{ model: ModelEntry; report: ConvertReport; familyFrom: string }>;
  /** Feature inversion of one image (null: the first test image); optional so scripted test clients may omit it. */
  invert?(
    modelId: string,
    imageKey: string | null,
    opts: InvertOptions,
    onProgress: (p: Progress) => void,
  ): Promise<InvertResult>;
  /** Attentive diffusion of models on a seeded image sample; optional so scripted test clients may omit it. */
  diffusion?(request: DiffusionRequest, onProgress: (p: RunProgress) => void): Promise<DiffusionRun[]>;
}

export interface LabWorker extends LabClient {
  /** The raw comlink remote, for debug entries (embedPixels, preprocess) used by e2e parity tests. */
  readonly remote: Comlink.Remote<LabApi>;
  terminate(): void;
}

export function startLabWorker(): LabWorker {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'lab' });
  const remote = Comlink.wrap<LabApi>(worker);
  return {
    remote,
    init: (pref) => remote.init(location.href, pref),
    setBackend: (pref) => remote.setBackend(pref),
    listModels: () => remote.listModels(),
    listDemos: () => remote.listDemos(),
    scanDemo: (name) => remote.scanDemo(name),
    scanFolder: (name, files) => remote.scanFolder(name, files),
    run: (request, handlers) =>
      remote.run(
        request,
        Comlink.proxy((p: RunProgress) => handlers.onProgress(p)),
        Comlink.proxy((r: ResultRecord) => handlers.onRecord(r)),
        Comlink.proxy((issues: InputIssue[]) => handlers.onIssues?.(issues)),
      ),
    cancel: (runId) => remote.cancel(runId),
    cacheSize: () => remote.cacheSize(),
    clearCache: () => remote.clearCache(),
    convertCheckpoint: (file, opts, onProgress) =>
      remote.convertCheckpoint(
        file,
        opts,
        Comlink.proxy((p: Progress) => onProgress(p)),
      ),
    invert: (modelId, imageKey, opts, onProgress) =>
      remote.invert(
        modelId,
        imageKey,
        opts,
        Comlink.proxy((p: Progress) => onProgress(p)),
      ),
    diffusion: (request, onProgress) =>
      remote.diffusion(
        request,
        Comlink.proxy((p: RunProgress) => onProgress(p)),
      ),
    terminate: () => worker.terminate(),
  };
}
