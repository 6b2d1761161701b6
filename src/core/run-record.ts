// Builders for the ResultRecord of one run (pure): the record's model and dataset entries.

import type { SplitPlan } from './eval-plan.ts';
import {
  type ProtocolSettings,
  RESULT_SCHEMA_VERSION,
  type RecordDataset,
  type RecordModel,
  type ResultRecord,
} from './record/types.ts';
import type { DatasetListing, ModelCard } from './types.ts';

export function recordModel(card: ModelCard): RecordModel {
  return {
    id: card.id,
    name: card.name,
    family: card.family,
    architecture: card.architecture,
    weightsHash: card.weightsHash,
    featureSize: card.featureSize,
    imagenetTop1: card.imagenetTop1,
  };
}

export function recordDataset(listing: DatasetListing, plan: SplitPlan): RecordDataset {
  return {
    name: listing.name,
    fingerprint: listing.fingerprint,
    classNames: listing.classNames,
    counts: { train: plan.train.length, val: plan.val?.length ?? 0, test: plan.test.length },
    multiLabel: listing.multiLabel,
  };
}

export function emptyRecord(opts: {
  backend: string;
  seed: number;
  labVersion: string;
  dataset: RecordDataset;
  protocol: ProtocolSettings;
  now?: Date;
}): ResultRecord {
  return {
    schema: RESULT_SCHEMA_VERSION,
    labVersion: opts.labVersion,
    createdAt: (opts.now ?? new Date()).toISOString(),
    backend: opts.backend,
    seed: opts.seed,
    models: [],
    datasets: [opts.dataset],
    protocol: opts.protocol,
    scores: [],
  };
}
