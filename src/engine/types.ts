// The engine's seams. A Backbone only turns pixels into features; probes only see features and labels.

import type { ModelCard, PixelBatch } from '../core/types.ts';

export interface Backbone {
  readonly card: ModelCard;
  /** NHWC [0,1] pixels (normalisation is the backbone's job) → row-major N×featureSize features. */
  embed(batch: PixelBatch): Promise<Float32Array>;
  /** Frees every tensor the backbone holds. */
  dispose(): void;
}

/** A model to evaluate: its card and how to read its files. */
export interface ModelRef {
  card: ModelCard;
  read: ModelFileReader;
}

/** Reads the files of one model folder (models/<id>/...) by relative name; platform-specific. */
export type ModelFileReader = (relativePath: string) => Promise<Uint8Array>;
