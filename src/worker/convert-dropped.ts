// A checkpoint dropped on the model picker → the lab's model files, in memory for the session.
// Runs in the worker: reading and folding a ResNet-50 checkpoint takes seconds and ~200 MB. The conversion
// itself is the one `tlab convert` uses; this adds the browser's naming, provenance and progress.

import type { ConvertReport } from '../convert/checkpoint.ts';
import { LayoutNotFoundError } from '../convert/layout-search.ts';
import { sha256Hex } from '../core/hash.ts';
import type { ModelCard, Progress } from '../core/types.ts';
import { convertCheckpoint } from '../engine/model-format/convert-checkpoint.ts';

export interface ConvertOptions {
  /** Display name; defaults to the file name. */
  name?: string;
  /** Pre-training family ('supervised', 'simclr', 'moco', …); recorded in results. */
  family?: string;
  /** Key-layout profile of the converter, or 'auto' to detect it. */
  profile?: string;
  /** Overrides of the layout search: only this container path / key prefix (empty: search them all). */
  container?: string;
  prefix?: string;
  /** ImageNet mean/std normalisation, or none (SimCLR's checkpoints take [0,1] RGB). */
  normalisation: 'imagenet' | 'none';
  inputSize?: number;
  float16?: boolean;
}

export interface ConvertedModel {
  card: ModelCard;
  files: Map<string, Uint8Array>;
  report: ConvertReport;
  /** Where the card's family came from: 'given', 'file name' or 'layout (…)'. */
  familyFrom: string;
}

export async function convertDroppedCheckpoint(
  fileName: string,
  bytes: Uint8Array,
  opts: ConvertOptions,
  onProgress: (p: Progress) => void,
): Promise<ConvertedModel> {
  const step = (done: number, detail: string) =>
    onProgress({
      stage: `Converting ${fileName}`,
      done,
      total: 2,
      ratePerSecond: null,
      etaSeconds: null,
      detail,
    });
  step(0, 'hashing the checkpoint');
  const checkpointSha256 = await sha256Hex(bytes);
  step(1, 'reading it and folding BatchNorm into the convolutions');
  const converted = await convertCheckpoint(bytes, {
    id: `dropped-${checkpointSha256.slice(0, 12)}`,
    name: opts.name || fileName,
    // Typed by the user, else inferred from the file name and the layout found (never a blank 'unknown').
    ...(opts.family ? { family: opts.family } : {}),
    fileName,
    profile: opts.profile ?? 'auto',
    ...(opts.container ? { container: opts.container } : {}),
    ...(opts.prefix !== undefined && opts.prefix !== '' ? { prefix: opts.prefix } : {}),
    normalisation: opts.normalisation,
    inputSize: opts.inputSize,
    float16: opts.float16,
    checkpointSha256,
    source: (report) =>
      `dropped file ${fileName} (converted in this browser; ${report.architecture} found in ${report.container}, ` +
      `prefix '${report.prefix}', profile ${report.profile})`,
    licence: 'unknown (dropped by the user)',
    description: `Converted in this browser from ${fileName}`,
  }).catch((err: unknown) => {
    // The refusal's suggested command names the file the user dropped.
    if (err instanceof LayoutNotFoundError)
      throw new LayoutNotFoundError(err.message.replaceAll('<checkpoint>', fileName));
    throw err;
  });
  const { card, files, report, family } = converted;
  step(2, 'done');
  return { card, files, report, familyFrom: family.from };
}
