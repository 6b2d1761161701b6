// How many images go through a backbone at once: as many as fit a memory budget, up to a cap. Batch size
// never changes a feature bit (src/engine/batch-invariance.test.ts), only speed and peak memory.

/** Where a ModelCard's shape is enough to size its batches. */
export interface BatchShape {
  architecture: string;
  inputSize: number;
  /** Crop sizes of the preprocessings extracted together (their pixel buffers share the budget). */
  crops: readonly number[];
}

/**
 * Backend memory one more image of a batch costs, per input pixel, at the forward pass's peak: measured with
 * tf.profile's peakBytes at batch 1 and 4 (bench/pipeline/activation-memory.ts, wasm in Node, 2026-12-03).
 * A lab ResNet keeps every intermediate of a pass until it ends (tf.tidy), so its figure is the sum of its
 * activations; tfjs graph models free intermediates as they go. The CPU route (src/engine/cpu-route) holds the
 * same float32 activations in its per-batch arena, plus indirection buffers of 4 bytes per output pixel and tap
 * (about 5% for ResNet-50) and, while a Winograd convolution runs, its patches and products (about 4× its input
 * and output, released after it: about 7% more at ResNet-50's first stage); a batch that still does not fit
 * its memory runs in halves with the same bits.
 */
export const MEASURED_BYTES_PER_PIXEL: ReadonlyArray<{ match: RegExp; bytes: number; measuredOn: string }> = [
  { match: /^resnet10-narrow$|^resnet-basic-1111-w16$/, bytes: 90, measuredOn: 'zoo-supervised-r10n, 32 px' },
  { match: /^mobilenetv2/, bytes: 521, measuredOn: 'nsfwjs-mobilenetv2, 224 px' },
  { match: /^inceptionv3/, bytes: 210, measuredOn: 'nsfwjs-inceptionv3, 299 px' },
  { match: /^vit_b_16$/, bytes: 1013, measuredOn: 'ViT-B/16, 224 px' },
  { match: /^resnet/, bytes: 1818, measuredOn: 'ResNet-50, 224 px' },
];

/** An architecture not measured: ResNet-50's figure, the largest measured, so the budget errs on the safe side. */
const UNKNOWN_BYTES_PER_PIXEL = 1818;

/**
 * A cap even where memory is plentiful: cancel and progress are checked between batches, and a larger batch
 * gains little once a kernel call's fixed cost is spread over 64 images.
 */
export const MAX_BATCH = 64;

const VIT_SIZES: Record<string, { width: number; depth: number }> = {
  t: { width: 192, depth: 12 },
  tiny: { width: 192, depth: 12 },
  s: { width: 384, depth: 12 },
  small: { width: 384, depth: 12 },
  b: { width: 768, depth: 12 },
  base: { width: 768, depth: 12 },
  l: { width: 1024, depth: 24 },
  large: { width: 1024, depth: 24 },
  h: { width: 1280, depth: 32 },
  huge: { width: 1280, depth: 32 },
};

/** Width, depth and patch of a ViT from the names the lab gives them (vit_b_16, vit-w768-d12-p16, vit-base-patch16). */
function vitShape(architecture: string): { width: number; depth: number; patch: number } | null {
  const named = /^vit[_-](t|s|b|l|h|tiny|small|base|large|huge)[_-](?:patch)?(\d+)/.exec(architecture);
  if (named) return { ...VIT_SIZES[named[1]], patch: Number(named[2]) };
  const custom = /^vit-w(\d+)-d(\d+)-p(\d+)/.exec(architecture);
  if (custom) return { width: Number(custom[1]), depth: Number(custom[2]), patch: Number(custom[3]) };
  return null;
}

/**
 * A ViT's figure from ViT-B/16's: a pass holds a few tensors of tokens × width per block, so the cost scales
 * with width × depth and with the tokens per pixel (1/patch²). An unreadable ViT name gets ViT-H/14's.
 */
function vitBytesPerPixel(architecture: string): number {
  const v = vitShape(architecture) ?? { width: 1280, depth: 32, patch: 14 };
  return Math.ceil(1013 * ((v.width * v.depth) / (768 * 12)) * (16 / v.patch) ** 2);
}

/** Backend bytes per input pixel one image costs a forward pass of this architecture. */
export function forwardBytesPerPixel(architecture: string): number {
  const measured = MEASURED_BYTES_PER_PIXEL.find((m) => m.match.test(architecture));
  if (measured) return measured.bytes;
  return architecture.startsWith('vit') ? vitBytesPerPixel(architecture) : UNKNOWN_BYTES_PER_PIXEL;
}

/** Bytes a batch needs per image: the forward pass's share, plus this and the prefetched batch's pixels. */
export function bytesPerImage(shape: BatchShape): number {
  const perPixel = forwardBytesPerPixel(shape.architecture);
  const pixels = shape.crops.reduce((sum, crop) => sum + crop * crop * 3 * 4, 0);
  return perPixel * shape.inputSize * shape.inputSize + 2 * pixels;
}

/** The largest batch (1..MAX_BATCH) whose images fit `budgetBytes`; 1 even when one image does not fit. */
export function chooseBatchSize(shape: BatchShape, budgetBytes: number): number {
  if (!(budgetBytes > 0)) throw new RangeError(`memory budget must be positive, not ${budgetBytes}`);
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(budgetBytes / bytesPerImage(shape))));
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/**
 * A quarter of the machine's memory for the batch, within 256 MiB..2 GiB: the rest is the weights (up to
 * 1.2 GB for ViT-L), the page or process, the probes' feature matrices and the other programs running.
 */
export function defaultMemoryBudget(totalMemoryBytes: number | undefined): number {
  const total = totalMemoryBytes && totalMemoryBytes > 0 ? totalMemoryBytes : 4 * GIB;
  return Math.min(2 * GIB, Math.max(256 * MIB, Math.floor(total / 4)));
}
