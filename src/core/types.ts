// The lab's shared vocabulary. Pure data types only: no DOM, React or tfjs imports.
// Every layer (engine, platform, worker, app, cli) speaks in these types; keep them small and stable.

/** A decoded image in the neutral form every later stage takes: RGB, 8 bits, row-major HWC. */
export interface RgbImage {
  data: Uint8Array; // length = width * height * 3
  width: number;
  height: number;
}

/** A preprocessed batch: NHWC float32 in [0, 1], before the model's own mean/std normalisation. */
export interface PixelBatch {
  data: Float32Array; // length = n * size * size * 3
  n: number;
  size: number;
}

export type Interpolation = 'bicubic' | 'bilinear';

/**
 * How an image becomes a model input (timm-style "pretrained config" as data).
 * - 'shorter-side': resize the shorter side to `resize` (aspect kept), centre-crop `crop`×`crop`.
 * - 'squash': resize to `resize`×`resize` ignoring aspect, centre-crop `crop`×`crop`.
 */
export interface ResizeRule {
  mode: 'shorter-side' | 'squash';
  resize: number;
  crop: number;
  interpolation: Interpolation;
}

/** The two preprocessings of the reference protocol: linear probe / test images, and few-shot. */
export interface Preprocessing {
  linear: ResizeRule;
  fewshot: ResizeRule;
}

export type ModelFormat = 'lab-resnet' | 'lab-vit' | 'tfjs-graph' | 'tfjs-layers';

/** A model card: everything the lab needs to know about a backbone, as data next to its weights. */
export interface ModelCard {
  id: string;
  name: string;
  format: ModelFormat;
  /** e.g. 'resnet18', 'resnet50', 'resnet-tiny' (torchvision layout, widths inferred from weights). */
  architecture: string;
  /** Pre-training method family: 'supervised', 'simclr', 'byol', 'moco', 'swav', 'random', ... */
  family: string;
  inputSize: number;
  preprocessing: Preprocessing;
  /** Per-channel normalisation applied to [0,1] RGB; null = use [0,1] RGB as is (SimCLR). */
  mean: [number, number, number] | null;
  std: [number, number, number] | null;
  featureLayer: string;
  featureSize: number;
  source: string;
  licence: string;
  imagenetTop1: number | null;
  /** sha256 (hex) of the upstream checkpoint file this model was converted from, when known. */
  checkpointSha256: string | null;
  /** sha256 (hex) over the lab's weight shards: identifies the weights in results and caches. */
  weightsHash: string;
  /** Free text: how it was trained / what it is; shown in the model picker. */
  description?: string;
  /** For tfjs-graph / tfjs-layers models: the node (graph) or layer (layers) whose output is the feature. */
  embeddingNode?: string;
  /** What loading costs, so a picker can say it before loading (written by the lab's converter). */
  sizes?: ModelSizes;
  /** The family's own preprocessing (e.g. CLIP's mean/std), one setting away from the protocol default. */
  familyProtocol?: FamilyProtocol;
}

export interface ModelSizes {
  parameters: number;
  /** Bytes of the weight shards to download (float16 storage halves it). */
  downloadBytes: number;
  /** Bytes the weights take once uploaded (tfjs keeps float32 on every backend). */
  memoryBytes: number;
}

export interface FamilyProtocol {
  preprocessing: Preprocessing;
  mean: [number, number, number] | null;
  std: [number, number, number] | null;
  /** Where the protocol comes from, e.g. "OpenAI CLIP's preprocess". */
  source: string;
}

export type Split = 'train' | 'val' | 'test';

/** One image of a dataset as listed (no pixels yet). */
export interface DatasetItem {
  /** Relative path inside the dataset (POSIX separators); unique; the cache key's image part. */
  key: string;
  /** Class index into DatasetListing.classNames (single-label); -1 for multi-label items. */
  label: number;
  /** Multi-label: indices of positive classes. */
  labels?: number[];
  split: Split | null;
  size: number;
}

export type IssueAction = 'skipped' | 'refused' | 'warned';

/** A problem with one input file (or folder), reported by name with what the lab did about it. */
export interface InputIssue {
  key: string;
  action: IssueAction;
  reason: string;
}

export interface DatasetListing {
  name: string;
  classNames: string[];
  items: DatasetItem[];
  issues: InputIssue[];
  multiLabel: boolean;
  /** sha256 hex over sorted (relative path, size, label) triples. */
  fingerprint: string;
}

/** Progress of long work, reported through a callback; ETA in seconds (null until measurable). */
export interface Progress {
  stage: string;
  done: number;
  total: number;
  ratePerSecond: number | null;
  etaSeconds: number | null;
  detail?: string;
}

export type ProgressFn = (p: Progress) => void;

/** Cancellation token that works across comlink (AbortSignal itself cannot be transferred). */
export interface CancelToken {
  readonly cancelled: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'CancelledError';
  }
}

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

/**
 * Where a dataset's images come from: a browser folder, a Node folder, tar shards, or a served demo set.
 * All implementations share this shape so the pipeline never knows which one it reads.
 */
export interface DatasetSource {
  readonly name: string;
  /** Lists items, class names, splits and problems found while listing (nothing decoded yet). */
  list(): Promise<DatasetListing>;
  /** The raw bytes of one item, by DatasetItem.key. */
  read(key: string): Promise<Uint8Array>;
}

/** Decodes encoded image bytes to RGB exactly as PIL's Image.open(...).convert('RGB') would. */
export type ImageDecoder = (bytes: Uint8Array, key: string) => Promise<RgbImage>;

/**
 * Cache of per-image feature vectors. A namespace identifies (model weights hash, preprocessing);
 * keys are DatasetItem keys (with the dataset fingerprint folded into the namespace by the caller).
 */
export interface FeatureCache {
  get(namespace: string, keys: string[]): Promise<(Float32Array | undefined)[]>;
  put(namespace: string, entries: { key: string; features: Float32Array }[]): Promise<void>;
  sizeBytes(): Promise<number>;
  clear(): Promise<void>;
}
